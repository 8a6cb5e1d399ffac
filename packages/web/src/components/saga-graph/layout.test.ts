import { sagaDefinition } from "@orders/core/topology";
import { describe, expect, it } from "vitest";
import { type AslDefinition, layoutAsl, NODE } from "./layout";

const saga = sagaDefinition as unknown as AslDefinition;

describe("layoutAsl on the fulfilment saga", () => {
  const layout = layoutAsl(saga);
  const node = (id: string) => layout.nodes.find((n) => n.id === id)!;

  it("draws every state once and every transition, catches included", () => {
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(Object.keys(saga.States).sort());
    expect(layout.edges).toContainEqual(
      expect.objectContaining({ from: "CapturePayment", to: "VoidPayment", kind: "catch" }),
    );
    expect(layout.edges).toContainEqual({
      from: "NeedsApproval",
      to: "CapturePayment",
      kind: "default",
      label: "default",
    });
  });

  it("puts the happy path in the main lane and compensations in their own", () => {
    for (const id of [
      "ClaimOrder",
      "ReserveInventory",
      "AwaitApproval",
      "CapturePayment",
      "CompleteOrder",
      "Fulfilled",
    ]) {
      expect(node(id).lane).toBe("main");
    }
    for (const id of [
      "VoidPayment",
      "ReleaseInventory",
      "CancelOrder",
      "Cancelled",
      "CompensationFailed",
    ]) {
      expect(node(id).lane).toBe("compensation");
    }
    expect(
      Math.min(...layout.nodes.filter((n) => n.lane === "compensation").map((n) => n.x)),
    ).toBeGreaterThan(Math.max(...layout.nodes.filter((n) => n.lane === "main").map((n) => n.x)));
  });

  it("every non-catch transition points down, and the main spine is one column", () => {
    for (const e of layout.edges.filter((e) => e.kind !== "catch")) {
      expect(node(e.to).rank, `${e.from} → ${e.to}`).toBeGreaterThan(node(e.from).rank);
    }
    expect(
      [
        "ClaimOrder",
        "IsFirstSaga",
        "ReserveInventory",
        "NeedsApproval",
        "CapturePayment",
        "CompleteOrder",
        "Fulfilled",
      ].map((id) => node(id).column),
    ).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // The optional approval waits between the choice and the capture.
    expect(node("AwaitApproval").rank).toBeGreaterThan(node("NeedsApproval").rank);
    expect(node("CapturePayment").rank).toBeGreaterThan(node("AwaitApproval").rank);
  });

  it("compensation starts beside the first step that can fail into it, and runs in reverse order", () => {
    expect(node("VoidPayment").rank).toBe(node("ReserveInventory").rank + 1);
    expect(node("ReleaseInventory").rank).toBe(node("VoidPayment").rank + 1);
    expect(node("CancelOrder").rank).toBe(node("ReleaseInventory").rank + 1);
  });

  it("no two states overlap and all fit in the canvas", () => {
    for (const a of layout.nodes) {
      expect(a.x + NODE.width).toBeLessThanOrEqual(layout.width);
      expect(a.y + NODE.height).toBeLessThanOrEqual(layout.height);
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart =
          a.x + NODE.width <= b.x ||
          b.x + NODE.width <= a.x ||
          a.y + NODE.height <= b.y ||
          b.y + NODE.height <= a.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
  });
});

describe("layoutAsl on small machines", () => {
  it("survives a loop (a Next back to an earlier state)", () => {
    const layout = layoutAsl({
      StartAt: "Poll",
      States: {
        Poll: { Type: "Task", Next: "Done?" },
        "Done?": { Type: "Choice", Choices: [{ Next: "Finish" }], Default: "Wait" },
        Wait: { Type: "Wait", Next: "Poll" },
        Finish: { Type: "Succeed" },
      },
    });
    expect(layout.nodes.find((n) => n.id === "Poll")!.rank).toBe(0);
    expect(layout.nodes.find((n) => n.id === "Wait")!.rank).toBe(2);
  });

  it("a machine without catches has no compensation lane", () => {
    const layout = layoutAsl({
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Succeed" } },
    });
    expect(layout.nodes.every((n) => n.lane === "main")).toBe(true);
    expect(layout.width).toBe(NODE.pad * 2 + NODE.width);
  });
});
