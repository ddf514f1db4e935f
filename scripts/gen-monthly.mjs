#!/usr/bin/env node
// Generates data/monthly/<unit>/<YYYY-MM>.yaml: a year (2025) of monthly reports for ten branches of a fictional
// trading group, for templates/monthly-report. Deterministic: seeded pseudo-random numbers only, so a rerun
// writes the same bytes. Run from anywhere: `node scripts/gen-monthly.mjs` (add `--check` to compare instead).
//
// Two units keep their department tables outside the YAML, as finance departments deliver them: 珠晖 (zhuhui)
// in one Excel workbook for the year, a sheet per month (departments-2025.xlsx, sheets 一月 … 十二月, rates as
// percent-formatted cells), and 雁峰 (yanfeng) in a CSV file per month, exported the way Excel does in a Chinese
// locale: GBK-encoded, amounts with thousands separators, rates with a percent sign (<YYYY-MM>-departments.csv).
// The YAML refers to them: departments: { $xlsx: departments-2025.xlsx, sheet: 三月 } or { $csv: … }.
//
// The numbers are simulated per department for 2024 and 2025 (seasonality, a trend per unit and department,
// noise); 2025 targets are last year's month plus a planned growth. Unit totals, 完成率 and 同比 are computed
// from the rounded department figures, so every file is consistent with itself and with its neighbours.
import { Buffer } from 'node:buffer';
import console from 'node:console';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'data', 'monthly');
const YEAR = 2025;
const CHECK = process.argv.includes('--check');
const MAX_BYTES = 4000; // each file stays under 4 KB, with a little room

// ---------------------------------------------------------------------------------------------------------
// Seeded randomness

/** FNV-1a hash of a string: the seed of every generator, so each unit and file has its own stream. */
function hash(s) {
  let h = 0x811c9dc5;
  for (const ch of s) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: small, fast, and the same numbers on every platform. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    /** Roughly normal (sum of uniforms), mean 0, standard deviation sd. */
    normal: (sd) => (next() + next() + next() + next() - 2) * sd * Math.sqrt(3),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The group: departments and units

/** Department kinds: share of a unit's revenue, trend against the unit's (yoy), monthly noise, plan bias. */
const DEPARTMENTS = [
  { name: '门店零售部', share: 0.33, bias: 0.0, noise: 0.035, plan: 0.0 },
  { name: '批发分销部', share: 0.24, bias: -0.05, noise: 0.05, plan: -0.02 },
  { name: '线上业务部', share: 0.15, bias: 0.14, noise: 0.06, plan: 0.08 },
  { name: '政企客户部', share: 0.13, bias: 0.05, noise: 0.14, plan: 0.03 },
  { name: '家装工程部', share: 0.09, bias: 0.0, noise: 0.12, plan: 0.0 },
  { name: '物流配送部', share: 0.035, bias: 0.01, noise: 0.035, plan: 0.0 },
  { name: '售后服务部', share: 0.025, bias: 0.03, noise: 0.035, plan: 0.01 },
];

/**
 * The ten branches. base: 2024 average month (万元); trend: yoy growth in mid-year; slope: change of the yoy
 * growth from January to December; plan: planned growth of the 2025 targets; without: departments it lacks.
 */
const UNITS = [
  { id: 'zhuhui', name: '珠晖分公司', base: 3250, trend: 0.075, slope: 0.02, plan: 0.06 },
  { id: 'yanfeng', name: '雁峰分公司', base: 2750, trend: 0.045, slope: -0.02, plan: 0.045 },
  { id: 'shigu', name: '石鼓分公司', base: 2400, trend: 0.03, slope: 0.05, plan: 0.04 },
  { id: 'zhengxiang', name: '蒸湘分公司', base: 3900, trend: 0.11, slope: 0.0, plan: 0.08 },
  {
    id: 'nanyue',
    name: '南岳分公司',
    base: 1300,
    trend: 0.06,
    slope: 0.04,
    plan: 0.05,
    without: ['家装工程部'],
  },
  { id: 'hengnan', name: '衡南分公司', base: 2100, trend: -0.03, slope: 0.08, plan: 0.04 },
  {
    id: 'hengdong',
    name: '衡东分公司',
    base: 1700,
    trend: 0.04,
    slope: -0.01,
    plan: 0.04,
    without: ['政企客户部'],
  },
  { id: 'qidong', name: '祁东分公司', base: 1900, trend: 0.07, slope: 0.02, plan: 0.06 },
  { id: 'leiyang', name: '耒阳分公司', base: 3100, trend: -0.01, slope: -0.03, plan: 0.05 },
  { id: 'changning', name: '常宁分公司', base: 1500, trend: 0.09, slope: 0.01, plan: 0.06 },
];

/**
 * Seasonality of a home-appliance and building-materials trader, by month. Spring Festival fell on 10 February
 * 2024 and on 29 January 2025, which moves the New Year shopping between January and February.
 */
const SEASON = {
  2024: [0.93, 0.9, 0.97, 0.95, 1.02, 1.08, 1.06, 1.0, 0.96, 1.04, 1.08, 1.11],
  2025: [1.04, 0.82, 0.97, 0.95, 1.02, 1.08, 1.06, 1.0, 0.96, 1.04, 1.08, 1.11],
};
/** 南岳 lives on visitors to the mountain: spring and autumn pilgrim seasons. */
const NANYUE = [0.96, 1.02, 1.04, 1.05, 1.03, 0.95, 1.0, 1.02, 1.05, 1.06, 0.95, 0.9];

// ---------------------------------------------------------------------------------------------------------
// Numbers

const round1 = (x) => Math.round(x * 10) / 10;
const pct = (x) => round1(x * 100);
/** Targets are set in round figures: to 10 万元 above 300, to 5 above 60, else to 1. */
const roundTarget = (x) =>
  x >= 300 ? Math.round(x / 10) * 10 : x >= 60 ? Math.round(x / 5) * 5 : Math.round(x);

/** Simulates one unit: for each department, 2024 and 2025 month by month, and the 2025 targets. */
function simulate(unit) {
  const r = rng(hash(`numbers:${unit.id}`));
  const depts = DEPARTMENTS.filter((d) => !(unit.without ?? []).includes(d.name)).map((d) => {
    const weight = d.share * r.range(0.75, 1.25);
    const bias = d.bias + r.normal(0.03);
    return { ...d, weight, bias };
  });
  const totalWeight = depts.reduce((s, d) => s + d.weight, 0);
  const season = (y, m) => SEASON[y][m - 1] * (unit.id === 'nanyue' ? NANYUE[m - 1] : 1);
  for (const d of depts) {
    const base = (unit.base * d.weight) / totalWeight;
    d.y2024 = [];
    d.y2025 = [];
    d.target = [];
    for (let m = 1; m <= 12; m++) {
      const last = round1(base * season(2024, m) * (1 + r.normal(d.noise)));
      // 2025 growth: the unit's trend drifting over the year, the department's own bias, this month's noise;
      // the Spring Festival shift is already in the seasonality.
      const growth = unit.trend + unit.slope * ((m - 6.5) / 11) + d.bias + r.normal(d.noise);
      const now = round1(((last * season(2025, m)) / season(2024, m)) * (1 + growth));
      d.y2024.push(last);
      d.y2025.push(now);
      // The plan: last year's month, moved for the calendar (Spring Festival), grown by the unit's plan and
      // the department's, in round figures.
      const calendar = season(2025, m) / season(2024, m);
      d.target.push(roundTarget(last * calendar * (1 + unit.plan + d.plan + r.normal(0.01))));
    }
  }
  const sum = (key, m) => round1(depts.reduce((s, d) => s + d[key][m - 1], 0));
  return {
    depts,
    total: (y, m) => sum(y === 2024 ? 'y2024' : 'y2025', m),
    target: (m) => sum('target', m),
    collection: Array.from({ length: 12 }, () => round1(r.range(92.5, 99.2))),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Words

const QUARTER = { 3: '一季度', 6: '二季度', 9: '三季度', 12: '四季度' };
const num = (x) => String(round1(x)); // prose: 3602.5, no separators
const grouped = (x) =>
  round1(x).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const p1 = (x) => `${round1(x).toFixed(1)}%`;
/** 同比增长8.7% / 同比下降2.3% / 同比基本持平. */
const change = (y, up = '增长', down = '下降') =>
  Math.abs(y) < 0.5 ? '基本持平' : y > 0 ? `${up}${p1(y)}` : `${down}${p1(-y)}`;
const listCn = (xs) => (xs.length <= 2 ? xs.join('和') : `${xs.slice(0, -1).join('、')}和${xs.at(-1)}`);
/** Names of a few departments, or how many when there are many. */
const some = (xs, all) =>
  xs.length === all
    ? `${all}个部门均`
    : xs.length <= 3
      ? listCn(xs.map((x) => x.name))
      : `${xs.length}个部门`;
/** Rough printed width in em of the sans deck: Han and full-width punctuation 1, ASCII about 0.55. */
const ems = (s) => [...s].reduce((w, ch) => w + (ch.codePointAt(0) < 0x2e80 ? 0.55 : 1), 0);

/** The season's business, by calendar month (two ways to say each); the numbers say how it went. */
const SEASONS = {
  1: ['元旦和春节前的年货采购集中在本月', '春节在1月下旬，节前年货消费和备货集中释放'],
  2: ['春节假期门店营业时间缩短、工程项目停工，本月是传统淡季', '节后复工较慢，批发和工程业务处于传统淡季'],
  3: ['节后消费逐步回暖，以旧换新补贴全面落地', '春季装修旺季启动，工程和零售业务逐步恢复'],
  4: ['春季家装需求持续释放，家电消费处于平稳期', '以旧换新补贴继续发力，换新需求平稳释放'],
  5: ['“五一”假期促销集中在月初，空调开始进入销售旺季', '“五一”黄金周是本月零售业务的重点'],
  6: ['“618”年中大促和入夏后的制冷家电需求集中在本月', '年中促销叠加入夏，空调、冰箱进入销售高峰'],
  7: ['高温天气下空调销售和安装服务量处于全年高位', '暑期消费旺季，制冷家电和安装服务需求旺盛'],
  8: ['暑期后段制冷家电需求逐步回落，学生换新需求有所补充', '高温天气延续，但家电销售高峰逐步过去'],
  9: ['中秋节前礼品和家电消费小幅回升，秋季家装旺季开始', '秋季家装旺季启动，工程项目进入集中交付期'],
  10: ['国庆中秋长假促销带动门店客流', '“金九银十”家装旺季延续，工程和零售业务同步活跃'],
  11: ['“双十一”线上大促和年末政企采购在本月启动', '“双十一”促销是本月线上业务的重点'],
  12: ['年末政企集中采购和元旦备货集中在本月', '年末冲刺和集中采购项目交付是本月业务的重点'],
};

/** Why a department did well or badly (two ways each). */
const REASONS = {
  门店零售部: {
    up: ['门店促销活动和以旧换新政策带动客流回升', '会员复购增加，高能效产品销售占比提高'],
    down: ['门店客流同比减少，周边新开卖场分流部分客源', '促销力度不及同行，客单价有所下降'],
  },
  批发分销部: {
    up: ['重点经销商补库需求释放，订单量增加', '新开发的乡镇经销网点开始贡献收入'],
    down: ['下游经销商压缩库存、放慢进货节奏', '部分经销商资金周转偏紧，进货趋于谨慎'],
  },
  线上业务部: {
    up: ['直播销售和社区团购订单增长较快', '平台大促期间流量转化较好'],
    down: ['平台投放成本上升，推广力度有所收缩', '线上价格竞争激烈，订单增长放缓'],
  },
  政企客户部: {
    up: ['集中采购项目按期交付，确认收入增加', '新中标的学校和医院设备更新项目开始交付'],
    down: ['部分采购项目招标推迟，收入确认延后', '在手项目交付节奏放缓，本月确认收入较少'],
  },
  家装工程部: {
    up: ['精装修配套项目进入交付高峰', '新签的两个小区配套项目进场施工'],
    down: ['个别项目因业主方图纸调整推迟开工', '工程项目回款和进度均慢于计划'],
  },
  物流配送部: {
    up: ['承接外部配送业务增加，车辆利用率提高', '配送线路优化后单车配送量提高'],
    down: ['配送单量随销售回落', '外部配送业务有所减少'],
  },
  售后服务部: {
    up: ['安装维修单量增加，延保产品销售较好', '安装旺季服务收入增长较快'],
    down: ['保外维修单量减少', '安装服务单量低于预期'],
  },
};

/** Plans for next month, by the month planned for. */
const NEXT = {
  1: '抓住元旦春节消费旺季，提前备足年货商品，做好节日促销和配送安排',
  2: '做好春节后复工复产，尽早组织工程项目开工，稳住节后客流',
  3: '抓住节后消费回暖和春季装修旺季，用好以旧换新政策',
  4: '围绕春季家装需求开展主题促销，推动在手工程项目加快进度',
  5: '提前策划“五一”假期促销，做好空调销售旺季的备货',
  6: '全力备战“618”年中大促，线上线下同步开展促销活动',
  7: '做好暑期空调销售和安装服务，保障高温天气下的配送效率',
  8: '开展暑期学生换新活动，提前谋划秋季家装市场',
  9: '围绕中秋国庆双节策划促销，抓好秋季家装项目交付',
  10: '用好国庆长假和“金九银十”家装旺季，冲刺全年目标',
  11: '全力备战“双十一”，优化线上促销和仓储配送安排',
  12: '抓好年末政企集中采购交付和元旦促销，确保完成全年目标',
};

/** Builds one month's data for one unit; all prose comes from the numbers. */
function monthData(unit, sim, m) {
  const r = rng(hash(`words:${unit.id}:${YEAR}-${m}`));
  const period = `${YEAR}-${String(m).padStart(2, '0')}`;
  const M = `${m}月`;
  const U = unit.name;

  const rows = sim.depts.map((d) => {
    const actual = d.y2025[m - 1];
    const target = d.target[m - 1];
    const lastYear = d.y2024[m - 1];
    return {
      name: d.name,
      actual,
      target,
      lastYear,
      rate: pct(actual / target),
      yoy: pct((actual - lastYear) / lastYear),
    };
  });
  const A = sim.total(2025, m);
  const T = sim.target(m);
  const L = sim.total(2024, m);
  const total = { actual: A, target: T, lastYear: L, rate: pct(A / T), yoy: pct((A - L) / L) };
  const prev = m === 1 ? sim.total(2024, 12) : sim.total(2025, m - 1);
  const mom = pct((A - prev) / prev);
  let cum = 0;
  let cumLast = 0;
  let annual = 0;
  for (let k = 1; k <= 12; k++) {
    if (k <= m) {
      cum += sim.total(2025, k);
      cumLast += sim.total(2024, k);
    }
    annual += sim.target(k);
  }
  cum = round1(cum);
  annual = Math.round(annual / 10) * 10;
  const cumYoy = pct((cum - cumLast) / cumLast);
  const progress = pct(cum / annual);
  const time = pct(m / 12);
  const collection = sim.collection[m - 1];

  const met = rows.filter((x) => x.rate >= 100);
  const missed = rows.filter((x) => x.rate < 100).sort((a, b) => a.rate - b.rate);
  const byRate = [...rows].sort((a, b) => b.rate - a.rate);
  const fastest = [...rows].sort((a, b) => b.yoy - a.yoy)[0];
  const falling = rows.filter((x) => x.yoy <= -0.5);

  // The twelve months up to this one, for figure 1.
  const months = [];
  for (let k = m + 1; k <= 12 && m < 12; k++) months.push({ label: `${k}月`, value: sim.total(2024, k) });
  for (let k = 1; k <= m; k++) months.push({ label: `${k}月`, value: sim.total(2025, k) });
  const peak = months.reduce((a, b) => (b.value > a.value ? b : a));
  const low = months.reduce((a, b) => (b.value < a.value ? b : a));
  const avg = months.reduce((s, x) => s + x.value, 0) / months.length;

  // --- deck: one line beside the headline; it cannot wrap, so it stays short
  const q = QUARTER[m];
  const head = m === 12 ? '全年收官，' : q ? `${q}收官，` : '';
  const y = p1(Math.abs(total.yoy));
  const rt = p1(total.rate);
  const decks =
    total.rate >= 100
      ? total.yoy >= 0.5
        ? [
            `营收同比增长${y}`,
            `完成目标，营收增长${y}`,
            `完成率${rt}，同比增${y}`,
            `营收增长${y}，超额完成目标`,
          ]
        : [`完成月度目标的${rt}`, `完成目标，营收同比${change(total.yoy)}`]
      : total.yoy >= 0.5
        ? [
            `营收增长${y}，未达目标`,
            `营收增长${y}，完成率${rt}`,
            `营收增长${y}，差${Math.round(T - A)}万元达标`,
          ]
        : [
            `营收同比${change(total.yoy)}`,
            `营收同比${change(total.yoy)}，未达目标`,
            `完成率${rt}，营收同比${change(total.yoy, '增', '降')}`,
          ];
  const fits = decks.map((x) => head + x).filter((x) => ems(x) <= 15.5);
  const deck = fits.length > 0 ? r.pick(fits) : r.pick(decks.filter((x) => ems(x) <= 15.5));

  // --- summary
  const rateWords =
    total.rate >= 100
      ? `完成月度目标的${p1(total.rate)}`
      : `完成月度目标的${p1(total.rate)}，差${num(T - A)}万元`;
  const s1 = `${M}，${U}实现营业收入${num(A)}万元，${rateWords}，同比${change(total.yoy)}，环比${change(mom)}。`;
  const pace =
    Math.abs(progress - time) < 1
      ? '与时间进度基本持平'
      : progress > time
        ? `快于时间进度${round1(progress - time).toFixed(1)}个百分点`
        : `慢于时间进度${round1(time - progress).toFixed(1)}个百分点`;
  const s2 =
    m === 1
      ? `本月完成年度目标${annual}万元的${p1(progress)}，${pace}。`
      : m === 12
        ? `全年累计实现营业收入${num(cum)}万元，同比${change(cumYoy)}，完成年度目标的${p1(progress)}${progress >= 100 ? '，超额完成全年任务' : '，未完成全年任务'}。`
        : `1—${M}累计实现营业收入${num(cum)}万元，同比${change(cumYoy)}，完成年度目标的${p1(progress)}，${pace}。`;
  const s3 = `从季节因素看，${r.pick(SEASONS[m])}。`;
  const s4 =
    missed.length === 0
      ? `${rows.length}个业务部门全部完成月度目标。`
      : met.length === 0
        ? `${rows.length}个业务部门均未完成月度目标。`
        : `${rows.length}个业务部门中，${met.length}个完成月度目标，${some(missed, rows.length)}未完成。`;
  const summary = [s1 + s2 + s3 + s4];

  // --- section 1: the whole unit
  const trendWord =
    total.yoy >= 5
      ? '较快增长'
      : total.yoy >= 0.5
        ? '稳中有升'
        : total.yoy > -0.5
          ? '与上年持平'
          : '同比回落';
  const o1 =
    `营业收入${trendWord}，比上年同月${A >= L ? '增加' : '减少'}${num(Math.abs(A - L))}万元，` +
    `${A >= prev ? '比上月增加' : '比上月减少'}${num(Math.abs(A - prev))}万元。` +
    `近十二个月中，${peak.label}收入最高，为${Math.round(peak.value)}万元；${low.label}最低，为${Math.round(low.value)}万元；` +
    `本月收入${A >= avg ? '高于' : '低于'}近十二个月的月均水平${Math.round(avg)}万元。`;
  const o2 = r.pick([
    `经营质量总体平稳。本月货款回笼率${p1(collection)}，${collection >= 96 ? '回款情况良好' : '部分大客户回款慢于合同约定，需加强催收'}。`,
    `资金回笼方面，本月货款回笼率${p1(collection)}，${collection >= 96 ? '应收账款余额比上月末有所下降' : '应收账款余额有所增加，回款压力仍然较大'}。`,
  ]);

  // --- section 2: departments
  const best = byRate[0];
  let d1 =
    `${best.name}完成目标的${p1(best.rate)}，同比${change(best.yoy)}，` +
    (best.rate >= 100 ? '完成率居各部门之首' : '完成率在各部门中最高，但仍未达到目标') +
    (best.yoy >= 0.5
      ? `，${best.rate >= 100 ? '主要' : '增长主要'}得益于${r.pick(REASONS[best.name].up)}。`
      : best.yoy <= -0.5
        ? `；不过收入同比下降，${r.pick(REASONS[best.name].down)}。`
        : '。');
  if (fastest.name !== best.name && fastest.yoy > 0)
    d1 += `${fastest.name}同比${change(fastest.yoy)}，增速最快。`;
  let d2;
  if (missed.length === 0) d2 = '其余部门也都完成了月度目标，具体数据见附表。';
  else {
    const worst = missed[0];
    d2 = `${worst.name}完成目标的${p1(worst.rate)}，同比${change(worst.yoy)}，完成率最低，主要是${r.pick(REASONS[worst.name].down)}。`;
    const others = missed.slice(1).filter((x) => x !== best); // best was described above
    if (others.length > 0 && others.length <= 2)
      d2 += `${listCn(others.map((x) => x.name))}也未完成目标，完成率${others.length > 1 ? '分别' : ''}为${others.map((x) => p1(x.rate)).join('和')}。`;
    else if (others.length > 2)
      d2 += `另有${others.length}个部门未完成目标，完成率在${p1(others[0].rate)}至${p1(others.at(-1).rate)}之间。`;
  }

  // --- section 3: problems (only when there are some), then next month
  const sections = [
    {
      title: '总体经营情况',
      paragraphs: [o1, o2],
      figures: [
        {
          type: 'bar',
          title: '近十二个月营业收入',
          unit: '万元',
          source: `${U}财务部`,
          labels: months.map((x) => x.label),
          series: [{ name: '营业收入', values: months.map((x) => Math.round(x.value)) }],
        },
      ],
    },
    {
      title: '各部门经营情况',
      paragraphs: [d1, d2],
      figures: [
        {
          type: 'hbar',
          title: '各部门月度目标完成率',
          unit: '%',
          source: `${U}财务部`,
          labels: rows.map((x) => x.name),
          series: [{ name: '完成率', values: rows.map((x) => x.rate) }],
        },
      ],
    },
  ];
  const problems = [];
  if (falling.length > 0)
    problems.push(
      `${some(falling, rows.length)}收入同比下降，${falling.length > 2 ? '下滑面有所扩大，' : ''}要尽快找准原因，防止持续下滑。`,
    );
  if (total.rate < 100)
    problems.push(
      m === 12
        ? `本月未完成月度目标${progress < 100 ? '，全年任务也未能完成，需要认真总结原因' : ''}。`
        : `本月未完成分公司月度目标${progress < time ? `，累计进度落后于时间进度，${m >= 9 ? '年底前' : '后几个月'}的追赶压力较大` : ''}。`,
    );
  else if (collection < 95) problems.push('回款速度放缓，部分客户账期延长，应收账款管理需要加强。');
  if (problems.length > 0) sections.push({ title: '需要关注的问题', paragraphs: [problems.join('')] });

  const nextM = m === 12 ? 1 : m + 1;
  const nextLabel = m === 12 ? `${YEAR + 1}年1月` : `${nextM}月`;
  const nextTarget =
    m === 12
      ? Math.round((sim.total(2025, 1) * (1 + unit.plan)) / 10) * 10
      : Math.round(sim.target(nextM) / 10) * 10;
  let n1 = `${nextLabel}营业收入目标为${nextTarget}万元。${NEXT[nextM]}`;
  n1 +=
    missed.length > 0
      ? `；${missed[0].name}要${r.pick(['制定追赶措施，按周跟踪进度', '逐项分析差距，力争下月完成目标'])}。`
      : '。';
  sections.push({ title: '下月工作安排', paragraphs: [n1] });

  const kpis = [
    { value: grouped(A), label: '本月营业收入（万元）' },
    { value: p1(total.rate), label: '月度目标完成率' },
    { value: p1(Math.abs(total.yoy)), label: total.yoy < 0 ? '同比下降' : '同比增长' },
    { value: grouped(cum), label: '本年累计（万元）' },
    { value: p1(progress), label: '年度目标进度' },
  ];

  const pub = publicationDate(m, r);
  return {
    period,
    data: {
      unit: { id: unit.id, name: U },
      period: { year: YEAR, month: m },
      date: pub,
      title: '月度经营报告',
      deck,
      summary,
      kpis,
      sections,
      measure: { name: '营业收入', unit: '万元' },
      departments: rows,
      total,
    },
  };
}

/** Reports come out on a working day between the 6th and the 10th of the next month. */
function publicationDate(m, r) {
  const y = m === 12 ? YEAR + 1 : YEAR;
  const mo = m === 12 ? 1 : m + 1;
  let d = 6 + Math.floor(r.next() * 4);
  for (;;) {
    const wd = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
    if (wd !== 0 && wd !== 6) break;
    d++;
  }
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------------------
// YAML, written by hand so that the files stay small and read well

/**
 * A plain scalar when YAML reads it back as the same string, in a block and in a flow; else single-quoted
 * (the style Prettier keeps, so `npm run lint` passes over the generated files).
 */
function str(s) {
  const plain = (() => {
    if (/[,[\]{}"'#]|:\s|^[-?:!&*|>%@`]/.test(s) || s.trim() !== s) return false;
    try {
      return parse(`k: ${s}`).k === s && parse(`[${s}]`)[0] === s;
    } catch {
      return false;
    }
  })();
  return plain ? s : quote(s);
}
const quote = (s) => `'${s.replace(/'/g, "''")}'`;
/** Numbers in the department rows keep one decimal so the columns line up in the file: 80.0, not 80. */
const fixed1 = (x) => x.toFixed(1);
const flowMap = (entries) => `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;

function toYaml(d) {
  const out = [];
  out.push('# Generated by scripts/gen-monthly.mjs: do not edit.');
  out.push(
    `unit: ${flowMap([
      ['id', d.unit.id],
      ['name', str(d.unit.name)],
    ])}`,
  );
  out.push(
    `period: ${flowMap([
      ['year', d.period.year],
      ['month', d.period.month],
    ])}`,
  );
  out.push(`date: ${d.date}`);
  out.push(`title: ${str(d.title)}`);
  out.push(`deck: ${str(d.deck)}`);
  out.push('summary:');
  for (const p of d.summary) out.push(`  - ${str(p)}`);
  out.push('kpis:');
  for (const k of d.kpis)
    out.push(
      `  - ${flowMap([
        ['value', quote(k.value)],
        ['label', str(k.label)],
      ])}`,
    );
  out.push('sections:');
  for (const s of d.sections) {
    out.push(`  - title: ${str(s.title)}`);
    out.push('    paragraphs:');
    for (const p of s.paragraphs) out.push(`      - ${str(p)}`);
    if (s.figures) {
      out.push('    figures:');
      for (const f of s.figures) {
        out.push(`      - type: ${f.type}`);
        out.push(`        title: ${str(f.title)}`);
        out.push(`        unit: ${str(f.unit)}`);
        out.push(`        source: ${str(f.source)}`);
        out.push(`        labels: [${f.labels.map(str).join(', ')}]`);
        out.push('        series:');
        for (const se of f.series) {
          out.push(`          - name: ${str(se.name)}`);
          out.push(`            values: [${se.values.join(', ')}]`);
        }
      }
    }
  }
  out.push(
    `measure: ${flowMap([
      ['name', str(d.measure.name)],
      ['unit', str(d.measure.unit)],
    ])}`,
  );
  const row = (x) => [
    ['actual', fixed1(x.actual)],
    ['target', fixed1(x.target)],
    ['lastYear', fixed1(x.lastYear)],
    ['rate', fixed1(x.rate)],
    ['yoy', fixed1(x.yoy)],
  ];
  if (Array.isArray(d.departments)) {
    out.push('departments:');
    for (const x of d.departments) out.push(`  - ${flowMap([['name', str(x.name)], ...row(x)])}`);
  } else out.push(`departments: ${flowMap(Object.entries(d.departments).map(([k, v]) => [k, str(v)]))}`);
  out.push(`total: ${flowMap(row(d.total))}`);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------------
// Department tables outside the YAML

const COLUMNS = ['name', 'actual', 'target', 'lastYear', 'rate', 'yoy'];
const MONTH_NAMES = [
  '一月',
  '二月',
  '三月',
  '四月',
  '五月',
  '六月',
  '七月',
  '八月',
  '九月',
  '十月',
  '十一月',
  '十二月',
];
/** Where each unit's department tables live, if not in the YAML. */
const TABLES = { zhuhui: 'xlsx', yanfeng: 'csv' };
/** The workbook's dates and every part's date in its zip: fixed, so the file's bytes are the same every run. */
const FIXED_DATE = new Date(Date.UTC(2025, 0, 1));
const csvName = (period) => `${period}-departments.csv`;
const XLSX_NAME = 'departments-2025.xlsx';

/** A CSV file as Excel exports one in a Chinese locale: GBK, CRLF, 1,234.5 and 8.7%. */
function departmentsCsv(rows) {
  const grouped1 = (x) => x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const field = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [COLUMNS.join(',')];
  for (const x of rows)
    lines.push(
      [
        x.name,
        grouped1(x.actual),
        grouped1(x.target),
        grouped1(x.lastYear),
        `${x.rate.toFixed(1)}%`,
        `${x.yoy.toFixed(1)}%`,
      ]
        .map(field)
        .join(','),
    );
  return iconv.encode(lines.join('\r\n') + '\r\n', 'gbk');
}

/** A workbook of a year's department tables, a sheet per month, written with exceljs. */
async function departmentsWorkbook(unitName, months) {
  const wb = new ExcelJS.Workbook();
  wb.creator = `${unitName}财务部`;
  wb.created = FIXED_DATE;
  wb.modified = FIXED_DATE;
  for (const { month, rows } of months) {
    const ws = wb.addWorksheet(MONTH_NAMES[month - 1]);
    ws.columns = COLUMNS.map((key, i) => ({ key, width: i === 0 ? 14 : 11 }));
    ws.addRow(COLUMNS).font = { bold: true };
    for (const x of rows)
      ws.addRow({ ...x, rate: Number((x.rate / 100).toFixed(4)), yoy: Number((x.yoy / 100).toFixed(4)) });
    for (const key of ['actual', 'target', 'lastYear']) ws.getColumn(key).numFmt = '#,##0.0';
    for (const key of ['rate', 'yoy']) ws.getColumn(key).numFmt = '0.0%';
  }
  const zip = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
  for (const f of Object.values(zip.files)) f.date = FIXED_DATE;
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

// ---------------------------------------------------------------------------------------------------------

let written = 0;
let differ = 0;
/** Writes a file, or with --check compares it with the one there. */
function emit(file, bytes) {
  if (CHECK) {
    let old = Buffer.alloc(0);
    try {
      old = readFileSync(file);
    } catch {
      /* missing counts as different */
    }
    if (!old.equals(Buffer.from(bytes))) {
      differ++;
      console.error(`differs: ${path.relative(ROOT, file)}`);
    }
  } else writeFileSync(file, bytes);
  written++;
}

for (const unit of UNITS) {
  const sim = simulate(unit);
  mkdirSync(path.join(OUT, unit.id), { recursive: true });
  const months = [];
  for (let m = 1; m <= 12; m++) {
    const { period, data } = monthData(unit, sim, m);
    const rows = data.departments;
    months.push({ month: m, rows });
    if (TABLES[unit.id] === 'xlsx') data.departments = { $xlsx: XLSX_NAME, sheet: MONTH_NAMES[m - 1] };
    if (TABLES[unit.id] === 'csv') {
      data.departments = { $csv: csvName(period) };
      emit(path.join(OUT, unit.id, csvName(period)), departmentsCsv(rows));
    }
    const text = toYaml(data);
    const file = path.join(OUT, unit.id, `${period}.yaml`);
    const back = parse(text);
    if (JSON.stringify(back) !== JSON.stringify(data))
      throw new Error(`${file}: the YAML does not read back as the data`);
    const bytes = Buffer.byteLength(text);
    if (bytes >= MAX_BYTES) throw new Error(`${file}: ${bytes} bytes, over the ${MAX_BYTES}-byte budget`);
    if (ems(data.deck) > 15.5)
      throw new Error(`${file}: deck "${data.deck}" is too wide to sit beside the headline`);
    emit(file, text);
  }
  if (TABLES[unit.id] === 'xlsx')
    emit(path.join(OUT, unit.id, XLSX_NAME), await departmentsWorkbook(unit.name, months));
}
if (CHECK) {
  console.log(`${written} files checked, ${differ} differ`);
  process.exit(differ ? 1 : 0);
}
console.log(`wrote ${written} files under ${path.relative(ROOT, OUT)}/`);
