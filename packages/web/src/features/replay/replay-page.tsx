import { PageHeader } from "../../components/page-header";
import { RecentReplaysCard } from "./components/recent-replays-card";
import { StartReplayCard } from "./components/start-replay-card";

export function ReplayPage() {
  return (
    <>
      <PageHeader
        title="Replay"
        description="Send archived events from the bus's archive again to the rules that route them."
      />
      <StartReplayCard />
      <RecentReplaysCard />
    </>
  );
}
