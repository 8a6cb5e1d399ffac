import { Resource } from "../../lib/resource";

// `Resource.<Name>` as the topology types it. SST injects the values in AWS;
// the local cloud injects the same `SST_RESOURCE_<Name>` variables.
export const links = () => Resource;
