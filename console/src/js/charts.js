// Apache ECharts, served from the gateway (vendor/echarts/, bundled at build
// time from the pinned npm package) and loaded on the first page that draws.
let loading = null;

export function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = 'vendor/echarts/echarts.min.js';
      s.onload = () => resolve(window.echarts);
      s.onerror = () => { loading = null; reject(new Error('图表库加载失败')); };
      document.head.appendChild(s);
    });
  }
  return loading;
}

const PALETTE = ['#1f5fae', '#2e9d6f', '#e39b21', '#c8463d', '#7b5ea7', '#3aa0b8', '#8a8f98'];
const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
const charts = new Set();

// Draws `option` into `el` (which must be in the page); returns the chart.
export async function draw(el, option) {
  const echarts = await loadECharts();
  if (!el.isConnected) return null;
  const chart = echarts.init(el, null, {locale: 'ZH', renderer: 'canvas'});
  chart.setOption({color: PALETTE, textStyle: {fontFamily: FONT}, animation: false, ...option});
  charts.add(chart);
  return chart;
}

window.addEventListener('resize', () => {
  for (const c of charts) {
    if (c.isDisposed() || !c.getDom().isConnected) charts.delete(c);
    else c.resize();
  }
});
