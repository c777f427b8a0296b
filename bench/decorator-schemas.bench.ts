// Issue 16: the BUILT decorator writing each output schema (OUTPUT_SCHEMA native, ecs, ocsf) on
// the records of decorator.bench.ts, EC2 on a loopback endpoint, each against the same-run
// baseline of that benchmark. Native is the byte-splicing fast path; ECS and OCSF build each
// document's mapping and stringify it, which is what their ratios measure.
import { builtBundle, report, type Interleaved } from './measure.js';
import type { Benchmark } from './run.js';
import { baseline, DEPLOYED_NODE_OPTIONS, inventory, loopbackEnvironment, RECORDS, ROUNDS, runConfiguration, transformationEvent } from './decorator.bench.js';
import { startEc2LoopbackServer } from '../test/support/ec2-loopback-server.js';

const SCHEMAS = ['native', 'ecs', 'ocsf'] as const;

const benchmark: Benchmark = {
  name: 'decorator (built) per output schema, EC2 on a loopback endpoint',
  nodeOptions: DEPLOYED_NODE_OPTIONS,
  async run() {
    const bundle = builtBundle('dist/decorator/index.js');
    const event = transformationEvent();
    const { networkInterfaces, securityGroupRules } = inventory();
    const server = await startEc2LoopbackServer({ networkInterfaces, securityGroupRules });
    const environment = loopbackEnvironment(server.url);
    const calls = () => server.calls.length;
    try {
      const groups = new Map(networkInterfaces.map((eni) => [eni.NetworkInterfaceId ?? '', eni.Groups?.[0]?.GroupId ?? '']));
      const baselineRound = () => baseline(event, groups);
      const spread = (run: Interleaved) => `${run.ratioMin.toFixed(2)} .. ${run.ratioMax.toFixed(2)} over ${ROUNDS} rounds`;
      const figures: Record<string, string | number> = { records: RECORDS };
      for (const schema of SCHEMAS) {
        const run = await runConfiguration(`schema-${schema}`, bundle, { ...environment, OUTPUT_SCHEMA: schema }, event, calls, baselineRound);
        figures[`${schema}: warm ms for all records`] = run.warm.subjectMs;
        figures[`${schema}: records/s`] = Math.round(RECORDS / (run.warm.subjectMs / 1000));
        figures[`${schema}: ratio warm/baseline (median of rounds)`] = run.warm.ratio;
        figures[`${schema}: ratio spread`] = spread(run.warm);
        figures[`${schema}: results, small batches`] = run.smallResults;
        figures[`${schema}: document bytes per flow-log line byte`] = run.documentBytesPerLineByte;
      }
      report(figures);
    } finally {
      await server.close();
    }
  },
};
export default benchmark;
