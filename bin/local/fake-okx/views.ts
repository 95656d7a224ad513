// What the fake answers, field for field as OKX's documented response examples
// (test/fixtures/exchange/docs/okx.json names each; test/integration/okx/shapes.int.test.ts holds
// every row to its example's field names). Values are the fake's state; fields the fake does not
// model carry the empty value OKX sends for them.
import { Big } from '../../../shared/core/domain/money';
import type { Account, OkxState } from './state';
import type { FakeOkxAlgo, FakeOkxBill, FakeOkxFill, FakeOkxOrder } from './types';

type Row = Record<string, unknown>;
const ms = (t: number | undefined): string => (t === undefined ? '' : String(t));

/** "Get order details" (orderDetails.response). */
export function orderRow(state: OkxState, o: FakeOkxOrder): Row {
  const last = state.fills.filter((f) => f.ordId === o.ordId).at(-1);
  return {
    accFillSz: o.accFillSz,
    algoClOrdId: o.algoClOrdId,
    algoId: o.algoId,
    attachAlgoClOrdId: '',
    attachAlgoOrds: [],
    avgPx: o.avgPx,
    cTime: ms(o.cTime),
    cancelSource: '',
    cancelSourceReason: '',
    category: 'normal',
    ccy: '',
    clOrdId: o.clOrdId,
    fee: o.fee,
    feeCcy: 'USDT',
    fillPx: last?.fillPx ?? '',
    fillSz: last?.fillSz ?? '0',
    fillTime: ms(last?.ts),
    instId: o.instId,
    instType: 'SWAP',
    isTpLimit: 'false',
    lever: state.lever(state.accountOrThrow(o.apiKey), o.instId, o.tdMode),
    linkedAlgoOrd: { algoId: '' },
    ordId: o.ordId,
    ordType: o.ordType,
    pnl: o.pnl,
    posSide: 'net',
    px: o.px,
    pxType: '',
    pxUsd: '',
    pxVol: '',
    quickMgnType: '',
    rebate: '0',
    rebateCcy: 'USDT',
    reduceOnly: String(o.reduceOnly),
    side: o.side,
    slOrdPx: '',
    slTriggerPx: '',
    slTriggerPxType: '',
    source: '',
    state: o.state,
    stpId: '',
    stpMode: '',
    sz: o.sz,
    tag: '',
    tdMode: o.tdMode,
    tgtCcy: '',
    tpOrdPx: '',
    tpTriggerPx: '',
    tpTriggerPxType: '',
    tradeId: last?.tradeId ?? '',
    tradeQuoteCcy: 'USDT',
    uTime: ms(o.uTime),
  };
}

/** "Get algo order details" (algoOrderDetails.response; a fired one as algoOrderHistory.response). */
export function algoRow(state: OkxState, a: FakeOkxAlgo): Row {
  return {
    activePx: a.activePx,
    actualPx: a.actualPx,
    actualSide: a.actualSide,
    actualSz: a.actualSz,
    algoClOrdId: a.algoClOrdId,
    algoId: a.algoId,
    amendPxOnTriggerType: '0',
    attachAlgoOrds: [],
    cTime: ms(a.cTime),
    callbackRatio: a.callbackRatio,
    callbackSpread: '',
    ccy: '',
    chaseType: '',
    chaseVal: '',
    clOrdId: a.clOrdId,
    closeFraction: '',
    failCode: a.state === 'order_failed' ? '1' : '0',
    instId: a.instId,
    instType: 'SWAP',
    isTradeBorrowMode: '',
    last: state.price(a.instId).toString(),
    lever: state.lever(state.accountOrThrow(a.apiKey), a.instId, a.tdMode),
    linkedOrd: { ordId: '' },
    maxChaseType: '',
    maxChaseVal: '',
    moveTriggerPx: a.moveTriggerPx,
    ordId: a.ordIdList.at(-1) ?? '',
    ordIdList: [...a.ordIdList],
    ordPx: '',
    ordType: a.ordType,
    posSide: 'net',
    pxLimit: '',
    pxSpread: '',
    pxVar: '',
    quickMgnType: '',
    reduceOnly: String(a.reduceOnly),
    side: a.side,
    slOrdPx: a.slOrdPx,
    slTriggerPx: a.slTriggerPx,
    slTriggerPxType: a.slTriggerPx === '' ? '' : 'last',
    state: a.state,
    sz: a.sz,
    szLimit: '',
    tag: '',
    tdMode: a.tdMode,
    tgtCcy: '',
    timeInterval: '',
    tpOrdPx: a.tpOrdPx,
    tpTriggerPx: a.tpTriggerPx,
    tpTriggerPxType: a.tpTriggerPx === '' ? '' : 'last',
    triggerPx: '',
    triggerPxType: '',
    triggerTime: ms(a.triggerTime),
    tradeQuoteCcy: 'USDT',
    uTime: ms(a.uTime),
  };
}

/** "Get transaction details (last 3 months)" (fillsHistory.response); feeRate is fee ÷ notional (negative = paid). */
export function fillRow(state: OkxState, f: FakeOkxFill): Row {
  const notional = new Big(f.fillSz).times(state.instrument(f.instId).ctVal).times(f.fillPx);
  return {
    side: f.side,
    fillSz: f.fillSz,
    fillPx: f.fillPx,
    fillPxVol: '',
    fillFwdPx: '',
    fee: f.fee,
    fillPnl: f.fillPnl,
    ordId: f.ordId,
    feeRate: notional.eq(0) ? '0' : new Big(f.fee).div(notional).toString(),
    instType: 'SWAP',
    fillPxUsd: '',
    instId: f.instId,
    clOrdId: f.clOrdId,
    posSide: 'net',
    billId: f.billId,
    subType: f.side === 'buy' ? '1' : '2',
    fillMarkVol: '',
    tag: '',
    fillTime: ms(f.ts),
    execType: 'T',
    fillIdxPx: '',
    tradeId: f.tradeId,
    fillMarkPx: '',
    feeCcy: 'USDT',
    ts: ms(f.ts),
    tradeQuoteCcy: 'USDT',
  };
}

/**
 * "Get positions" for a SWAP in net mode. Not in the evidence file: the field list follows OKX's
 * documented response parameters; the test holds it to ccxt's parsePosition inputs.
 */
export function positionRow(state: OkxState, account: Account, instId: string): Row | undefined {
  const p = account.positions.get(instId);
  if (!p || p.pos.eq(0)) return undefined;
  const inst = state.instrument(instId);
  const last = state.price(instId);
  const lever = state.lever(account, instId, p.mgnMode);
  const notional = p.pos.abs().times(inst.ctVal).times(last);
  const imr = p.pos.abs().times(inst.ctVal).times(p.avgPx).div(lever);
  const upl = state.upl(account, instId);
  return {
    adl: '1',
    availPos: p.mgnMode === 'isolated' ? p.pos.abs().toString() : '',
    avgPx: p.avgPx.toString(),
    baseBal: '',
    baseBorrowed: '',
    baseInterest: '',
    bePx: '',
    bizRefId: '',
    bizRefType: '',
    cTime: ms(p.cTime),
    ccy: 'USDT',
    clSpotInUseAmt: '',
    closeOrderAlgo: [],
    deltaBS: '',
    deltaPA: '',
    fee: p.fee.toString(),
    fundingFee: p.fundingFee.toString(),
    gammaBS: '',
    gammaPA: '',
    idxPx: last.toString(),
    imr: p.mgnMode === 'cross' ? imr.toString() : '',
    instId,
    instType: 'SWAP',
    interest: '',
    last: last.toString(),
    lever,
    liab: '',
    liabCcy: '',
    liqPenalty: '0',
    liqPx: '',
    margin: p.mgnMode === 'isolated' ? imr.toString() : '',
    markPx: last.toString(),
    maxSpotInUseAmt: '',
    mgnMode: p.mgnMode,
    mgnRatio: '',
    mmr: imr.div(10).toString(),
    notionalUsd: notional.toString(),
    optVal: '',
    pendingCloseOrdLiabVal: '',
    pnl: p.realizedPnl.minus(p.fee).minus(p.fundingFee).toString(),
    pos: p.pos.toString(),
    posCcy: '',
    posId: `${instId}-${account.seed.apiKey}`.replace(/[^0-9A-Za-z-]/g, ''),
    posSide: 'net',
    quoteBal: '',
    quoteBorrowed: '',
    quoteInterest: '',
    realizedPnl: p.realizedPnl.toString(),
    spotInUseAmt: '',
    spotInUseCcy: '',
    thetaBS: '',
    thetaPA: '',
    tradeId: '',
    uTime: ms(p.uTime),
    upl: upl.toString(),
    uplLastPx: upl.toString(),
    uplRatio: imr.eq(0) ? '0' : upl.div(imr).toString(),
    uplRatioLastPx: imr.eq(0) ? '0' : upl.div(imr).toString(),
    usdPx: '',
    vegaBS: '',
    vegaPA: '',
  };
}

/** "Get balance" (balance.response): one USDT detail. */
export function balanceRow(state: OkxState, account: Account): Row {
  const eq = state.equity(account);
  const avail = state.available(account);
  const used = state.usedMargin(account);
  let upl = new Big(0);
  for (const instId of account.positions.keys()) upl = upl.plus(state.upl(account, instId));
  const now = ms(state.now());
  const detail: Row = {
    autoLendStatus: 'off',
    autoLendMtAmt: '0',
    availBal: avail.toString(),
    availEq: avail.toString(),
    borrowFroz: '0',
    cashBal: account.cash.toString(),
    ccy: 'USDT',
    crossLiab: '0',
    colRes: '0',
    collateralEnabled: false,
    collateralRestrict: false,
    colBorrAutoConversion: '0',
    disEq: eq.toString(),
    eq: eq.toString(),
    eqUsd: eq.toString(),
    smtSyncEq: '0',
    spotCopyTradingEq: '0',
    fixedBal: '0',
    frozenBal: used.toString(),
    frpType: '0',
    imr: '',
    interest: '0',
    isoEq: '0',
    isoLiab: '0',
    isoUpl: '0',
    liab: '0',
    maxLoan: '0',
    mgnRatio: '',
    mmr: '',
    notionalLever: '',
    ordFrozen: '0',
    rewardBal: '0',
    spotInUseAmt: '',
    clSpotInUseAmt: '',
    maxSpotInUse: '',
    spotIsoBal: '0',
    stgyEq: '0',
    twap: '0',
    uTime: now,
    upl: upl.toString(),
    uplLiab: '0',
    spotBal: '',
    openAvgPx: '',
    accAvgPx: '',
    spotUpl: '',
    spotUplRatio: '',
    totalPnl: '',
    totalPnlRatio: '',
  };
  return {
    adjEq: eq.toString(),
    availEq: avail.toString(),
    borrowFroz: '0',
    delta: '0',
    deltaLever: '0',
    deltaNeutralStatus: '0',
    details: [detail],
    imr: used.toString(),
    isoEq: '0',
    mgnRatio: '',
    mmr: '0',
    notionalUsd: '0',
    notionalUsdForBorrow: '0',
    notionalUsdForFutures: '0',
    notionalUsdForOption: '0',
    notionalUsdForSwap: '0',
    ordFroz: '',
    totalEq: eq.toString(),
    uTime: now,
    upl: upl.toString(),
  };
}

/** "Get account configuration" (accountConfig.response). */
export function configRow(account: Account): Row {
  const uid = '44705892343619584';
  return {
    acctLv: '2',
    acctStpMode: 'cancel_maker',
    autoLoan: false,
    ctIsoMode: 'automatic',
    enableSpotBorrow: false,
    greeksType: 'PA',
    feeType: '0',
    ip: account.seed.ip ?? '',
    type: '0',
    kycLv: '3',
    label: 'fake-okx',
    level: 'Lv1',
    levelTmp: '',
    liquidationGear: '-1',
    mainUid: uid,
    mgnIsoMode: 'automatic',
    opAuth: '1',
    perm: account.seed.perm ?? 'read_only,trade',
    posMode: account.posMode,
    roleType: '0',
    spotBorrowAutoRepay: false,
    spotOffsetType: '',
    spotRoleType: '0',
    spotTraderInsts: [],
    stgyType: '0',
    traderInsts: [],
    uid,
    settleCcy: 'USDT',
    settleCcyList: ['USD', 'USDC', 'USDG'],
  };
}

/**
 * "Get bills details (last 3 months)". Not in the evidence file (OKX documents no funding bill
 * example); the field list follows the documented response parameters.
 */
export function billRow(b: FakeOkxBill): Row {
  return {
    bal: b.bal,
    balChg: b.balChg,
    billId: b.billId,
    ccy: 'USDT',
    clOrdId: '',
    execType: b.type === '2' ? 'T' : '',
    fee: '0',
    fillFwdPx: '',
    fillIdxPx: '',
    fillMarkPx: '',
    fillMarkVol: '',
    fillPxUsd: '',
    fillPxVol: '',
    fillTime: ms(b.ts),
    from: '',
    instId: b.instId,
    instType: 'SWAP',
    interest: '0',
    mgnMode: 'isolated',
    notes: '',
    ordId: b.ordId,
    pnl: b.type === '8' ? b.balChg : '0',
    posBal: '0',
    posBalChg: '0',
    px: b.px,
    subType: b.subType,
    sz: b.sz,
    tag: '',
    to: '',
    tradeId: '',
    ts: ms(b.ts),
    type: b.type,
  };
}

/** "Get ticker" (GET /api/v5/market/ticker): last, bid and ask at the last price. */
export function tickerRow(state: OkxState, instId: string): Row {
  const last = state.price(instId).toString();
  return {
    instType: 'SWAP',
    instId,
    last,
    lastSz: '1',
    askPx: last,
    askSz: '100',
    bidPx: last,
    bidSz: '100',
    open24h: last,
    high24h: last,
    low24h: last,
    volCcy24h: '0',
    vol24h: '0',
    sodUtc0: last,
    sodUtc8: last,
    ts: ms(state.now()),
  };
}

/**
 * "Get order book" (GET /api/v5/market/books): [price, contracts, "0" (deprecated), orders] per
 * level. The fake fills market orders at the last price, so its best bid and ask are the last
 * price, then one tick apart, 1 000 contracts each.
 */
export function bookRow(state: OkxState, instId: string, depth: number): Row {
  const levels = Number.isInteger(depth) && depth >= 1 && depth <= 400 ? depth : 1;
  const last = state.price(instId);
  const tick = state.instrument(instId).tickSz;
  const side = (sign: 1 | -1) =>
    Array.from({ length: levels }, (_, i) => [last.plus(new Big(tick).times(i * sign)).toString(), '1000', '0', '1']);
  return { asks: side(1), bids: side(-1), ts: ms(state.now()) };
}
