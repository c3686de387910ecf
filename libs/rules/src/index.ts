export * from './overload';
export * from './penalties';
export * from './common/config-patch';
export * from './common/rules-config';
export * from './common/alerts';
export * from './common/time-window';
export * from './motion/motion-model';
export * from './motion/stops';
export * from './fatigue/fatigue.rule';
export * from './roads/road-index';
export * from './speeding/speeding.rule';
export * from './night-ban/night-ban.rule';
export * from './quality/data-quality.rule';
export * from './pipeline/vehicle-pipeline';
export * from './pipeline/driver-times';
export * from './pipeline/roster-drivers';
export * from './pipeline/vehicle-state';
export * from './pipeline/vehicle-state.codec';
export * from './pipeline/ordering';
export * from './pipeline/position-rule';
export * from './pipeline/position-rules';
// Company supervision (RULES.md §10, §15): the 重点监管 list.
export * from './supervision/key-supervision';
// Supervision (RULES §9, §10, §15): 查岗
export * from './supervision/inspection-response-rate';
// Issue #15: 源头倒查 (RULES §13) and WIM × GPS (§14).
export * from './source-trace';
export * from './wim-gps';
export * from './routes';
// Supervision (RULES §9–§10, §15): delivery to companies.
export * from './supervision/delivery-backoff';
export * from './supervision/delivery-routing';
// supervision (RULES.md §9–§10, §15)
export * from './supervision/handling-deadline';
export * from './supervision/handling-workflow';
// 考核 (RULES.md §10, §15): scores, 处理率, periods
export * from './supervision/percent';
export * from './supervision/assessment-config';
export * from './supervision/assessment-scores';
export * from './supervision/assessment-period';
export * from './supervision/handling-rate';
export * from './supervision/fatigue-over-limit';
export * from './supervision/assessment-ranking';
export * from './tampering';
