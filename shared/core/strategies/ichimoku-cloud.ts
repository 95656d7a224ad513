// ichimoku-cloud: long when the tenkan crosses above the kijun while the close is above the cloud
// (both senkou spans); short when it crosses below while the close is below the cloud. A long
// exits on the opposite tenkan/kijun cross or a close below the cloud; a short mirror. The chikou
// span is never used: it is a future close (see indicators/ichimoku.ts).
import { IchimokuStream } from '../indicators/ichimoku';
import { withLongOnly } from './long-only';
import { crossedAbove, crossedBelow, decide, protectionParams, signalSet, type SignalSet } from './signals';
import type { Bar, HeldPosition, StrategyDefinition, StrategyRunner, StrategySignal } from './types';

export type IchimokuCloudParams = {
  tenkan: number;
  kijun: number;
  senkouB: number;
  displacement: number;
  slPct: number;
  tpPct: number;
};

class IchimokuCloudRunner implements StrategyRunner {
  private readonly cloud: IchimokuStream;
  private readonly signals: SignalSet;
  private previousTenkan = Number.NaN;
  private previousKijun = Number.NaN;

  constructor(params: IchimokuCloudParams) {
    this.cloud = new IchimokuStream(params.tenkan, params.kijun, params.senkouB, params.displacement);
    this.signals = signalSet(params.slPct, params.tpPct);
  }

  next(bar: Bar, position: HeldPosition): StrategySignal | undefined {
    const cloud = this.cloud;
    cloud.next(bar.high, bar.low);
    const close = bar.close;
    const { tenkan, kijun, senkouA, senkouB } = cloud;
    const up = crossedAbove(this.previousTenkan, this.previousKijun, tenkan, kijun);
    const down = crossedBelow(this.previousTenkan, this.previousKijun, tenkan, kijun);
    this.previousTenkan = tenkan;
    this.previousKijun = kijun;
    // NaN spans (warm-up) make every comparison false: no entry before the cloud exists.
    const aboveCloud = close > senkouA && close > senkouB;
    const belowCloud = close < senkouA && close < senkouB;
    return decide(position, this.signals, up && aboveCloud, down && belowCloud, down || belowCloud, up || aboveCloud);
  }
}

const definition: StrategyDefinition<IchimokuCloudParams> = {
  id: 'ichimoku-cloud',
  description: 'tenkan/kijun crosses on the right side of the Ichimoku cloud',
  params: [
    {
      name: 'tenkan',
      type: 'int',
      default: 9,
      min: 5,
      max: 20,
      step: 1,
      description: 'tenkan-sen (conversion line) period',
    },
    { name: 'kijun', type: 'int', default: 26, min: 15, max: 60, step: 1, description: 'kijun-sen (base line) period' },
    { name: 'senkouB', type: 'int', default: 52, min: 30, max: 120, step: 2, description: 'senkou span B period' },
    {
      name: 'displacement',
      type: 'int',
      default: 26,
      min: 15,
      max: 60,
      step: 1,
      description: 'bars the cloud is plotted ahead',
    },
    ...protectionParams(0, 0),
  ],
  // Both senkou spans exist from candle max(tenkan, kijun, senkouB) − 1 + displacement.
  warmup: (p) => Math.max(p.tenkan, p.kijun, p.senkouB) - 1 + p.displacement,
  create: (p) => new IchimokuCloudRunner(p),
};

export const ichimokuCloud = withLongOnly(definition);
