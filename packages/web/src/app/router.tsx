import { auth as authSpec } from "@orders/core/topology";
import { createBrowserRouter, Navigate } from "react-router";
import { CallbackPage } from "../features/auth/callback-page";
import { NotFoundPage } from "../features/auth/forbidden-page";
import { OrderTrackingPage } from "../features/shop/components/order-tracking-page";
import { ShopPage } from "../features/shop/components/shop-page";
import { useAuth } from "../lib/auth";
import { AppLayout, RequireOperator } from "./layout";

function Home() {
  const { session } = useAuth();
  return <Navigate to={session?.isOperator ? "/ops" : "/shop"} replace />;
}

// Ops pages are lazy: a customer never downloads them.
export const router = createBrowserRouter([
  { path: authSpec.callbackPath, element: <CallbackPage /> },
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <Home /> },
      { path: "shop", element: <ShopPage /> },
      { path: "shop/orders/:orderId", element: <OrderTrackingPage /> },
      {
        path: "ops",
        element: <RequireOperator />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import("../features/overview/overview-page")).OverviewPage,
            }),
          },
          {
            path: "orders",
            lazy: async () => ({
              Component: (await import("../features/orders/orders-page")).OrdersPage,
            }),
          },
          {
            path: "orders/:orderId",
            lazy: async () => ({
              Component: (await import("../features/orders/order-detail-page")).OrderDetailPage,
            }),
          },
          {
            path: "approvals",
            lazy: async () => ({
              Component: (await import("../features/approvals/approvals-page")).ApprovalsPage,
            }),
          },
          {
            path: "queues",
            lazy: async () => ({
              Component: (await import("../features/queues/queues-page")).QueuesPage,
            }),
          },
          {
            path: "replay",
            lazy: async () => ({
              Component: (await import("../features/replay/replay-page")).ReplayPage,
            }),
          },
          {
            path: "executions",
            lazy: async () => ({
              Component: (await import("../features/executions/executions-page")).ExecutionsPage,
            }),
          },
          {
            path: "executions/:arn",
            lazy: async () => ({
              Component: (await import("../features/executions/execution-detail-page"))
                .ExecutionDetailPage,
            }),
          },
        ],
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
