export * from "./alerts";
export * from "./dns";
export * from "./events";
export * from "./jobs";
export * from "./members";
export * from "./metrics";
export * from "./pools";
export * from "./tokens";
