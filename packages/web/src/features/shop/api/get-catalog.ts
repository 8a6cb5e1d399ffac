import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../../../lib/api-client";
import type { CatalogEntry } from "./types";

export const getCatalog = (signal?: AbortSignal) =>
  api<{ items: CatalogEntry[] }>("/catalog", { signal });

export const catalogQueryOptions = () =>
  queryOptions({
    queryKey: ["catalog"],
    queryFn: ({ signal }) => getCatalog(signal),
    staleTime: 30_000,
  });

export const useCatalog = () => useQuery(catalogQueryOptions());
