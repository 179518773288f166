import type { LabPanelProps } from './types';
export default function ConvLab(_: LabPanelProps) {
  return <section aria-label="Convolution lab" />;
}
