import type { ResourceLinks } from "@orders/core/topology";
import { Resource as SstResource } from "sst";

// `Resource.<Name>` typed from the shared topology's links (sst-env.d.ts is not
// generated offline). SST injects links as SST_RESOURCE_<Name> env vars; so
// does the local cloud. Read it inside handlers, not at import time.
export const Resource = SstResource as unknown as ResourceLinks;
