// Local Amazon EventBridge Scheduler: the API (schedules, groups), expressions, durable firing.

export { createSchedulerDeliverer } from "./aws-deliverer";
export { nextFireTime, parseExpression } from "./expressions";
export { schedulerService } from "./operations";
export { createScheduler, scheduleArn, scheduleGroupArn } from "./service";
export type {
  InvocationContext,
  ScheduleDeliverer,
  Scheduler,
  SchedulerOptions,
  ScheduleTarget,
} from "./types";
