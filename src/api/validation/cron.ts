// Cron schedule validation: the controller's parser (../cron.ts) decides what is accepted.
export { cronScheduleError } from '../cron.js';
