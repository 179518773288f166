// The matmul lab's measurements beyond single runs: the autotuner's picks (remembered per adapter
// and shape in IndexedDB, offered as the "tuned" configuration) and the measured roofs.
import { adapterName } from '../gpu/describe';
import type { RoofsSummary, TuneSummary } from '../workers/protocol';
import { deleteRecord, listRecords, putRecord } from './history';
import { useLab } from './store';
import type { RoofsRecord, TunedRecord } from './tuningRecords';

export type { RoofsRecord, TunedRecord } from './tuningRecords';

function currentAdapter(): string | null {
  const gpu = useLab.getState().gpu;
  return gpu?.available ? adapterName(gpu.adapter) : null;
}

const tunedKey = (adapter: string, s: { M: number; N: number; K: number }) => `tuned:${adapter}:${s.M}x${s.N}x${s.K}`;

export async function loadTuning() {
  const adapter = currentAdapter();
  if (!adapter) return;
  try {
    const tuned = (await listRecords<TunedRecord>(`tuned:${adapter}:`)).map((r) => r.value);
    const roofs = (await listRecords<RoofsRecord>(`roofs:${adapter}`)).map((r) => r.value)[0] ?? null;
    useLab.setState({ tunedConfigs: tuned, savedRoofs: roofs });
  } catch (e) {
    useLab.setState({ historyError: e instanceof Error ? e.message : String(e) });
  }
}

export async function recordTuning(summary: TuneSummary) {
  if (!summary.best || !summary.tuned) return;
  const record: TunedRecord = {
    adapter: summary.adapter,
    shape: summary.shape,
    config: summary.best.config,
    gflops: summary.tuned.gflops,
    speedupOverDefault: summary.speedupOverDefault,
    withinFivePercentOfSweep: summary.sweep ? summary.sweep.withinFivePercent : null,
    date: summary.date,
  };
  useLab.setState((s) => ({
    tunedConfigs: [...s.tunedConfigs.filter((t) => tunedKey(t.adapter, t.shape) !== tunedKey(record.adapter, record.shape)), record],
  }));
  try {
    await putRecord(tunedKey(record.adapter, record.shape), record);
  } catch (e) {
    useLab.setState({ historyError: e instanceof Error ? e.message : String(e) });
  }
}

export async function forgetTuning(record: TunedRecord) {
  useLab.setState((s) => ({ tunedConfigs: s.tunedConfigs.filter((t) => t !== record) }));
  await deleteRecord(tunedKey(record.adapter, record.shape)).catch(() => {});
}

export async function recordRoofs(roofs: RoofsSummary) {
  const record: RoofsRecord = { adapter: roofs.adapter, peakGflops: roofs.peakGflops, bandwidthGBs: roofs.bandwidthGBs, barrierSeconds: roofs.barrierSeconds, date: roofs.date };
  useLab.setState({ savedRoofs: record });
  await putRecord(`roofs:${record.adapter}`, record).catch((e) => useLab.setState({ historyError: e instanceof Error ? e.message : String(e) }));
}
