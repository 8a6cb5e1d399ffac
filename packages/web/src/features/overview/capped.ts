/** An execution count as the API caps it: "100+" once it reaches the cap. */
export const capped = (n: number | undefined, cap: number) =>
  (n ?? 0) >= cap ? `${cap}+` : String(n ?? 0);
