/** The widget's CSS, added once to the page's head (the bundle stays one file). */
export const DEMO_CSS = `
.tsdl-demo { border: 1px solid #d0d7de; border-radius: 6px; padding: 12px; margin: 8px 0; max-width: 100%; box-sizing: border-box; }
.tsdl-demo-title { font-weight: 600; margin: 0 0 8px; }
.tsdl-demo-row { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.tsdl-demo-col { display: flex; flex-direction: column; gap: 6px; }
.tsdl-demo-pad { width: 280px; max-width: 100%; aspect-ratio: 1; background: #fff; border: 1px solid #888; touch-action: none; cursor: crosshair; }
.tsdl-demo-clear { align-self: flex-start; }
.tsdl-demo-input { width: 112px; height: 112px; image-rendering: pixelated; border: 1px solid #888; }
.tsdl-demo-caption { font-size: 0.9em; color: #444; }
.tsdl-demo-bars { min-width: 220px; }
.tsdl-demo-bar { display: flex; align-items: center; gap: 6px; font-variant-numeric: tabular-nums; }
.tsdl-demo-digit { width: 1em; text-align: right; }
.tsdl-demo-track { width: 160px; height: 14px; background: #eef; }
.tsdl-demo-fill { display: block; height: 100%; width: 0; background: #7a9cc6; }
.tsdl-demo-top .tsdl-demo-fill { background: #1f5fa8; }
.tsdl-demo-top { font-weight: 600; }
.tsdl-demo-value { width: 4.5em; font-size: 0.85em; }
.tsdl-demo-examples { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 10px; }
.tsdl-demo-example { display: flex; flex-direction: column; align-items: center; padding: 2px 4px; cursor: pointer; font-size: 0.8em; }
.tsdl-demo-example canvas { width: 42px; height: 42px; image-rendering: pixelated; }
.tsdl-demo-mistake { border-color: #b02020; color: #b02020; }
.tsdl-demo-maps { margin-top: 10px; }
.tsdl-demo-grid { display: grid; grid-template-columns: repeat(auto-fill, 58px); gap: 4px; }
.tsdl-demo-grid canvas { width: 56px; height: 56px; image-rendering: pixelated; border: 1px solid #ccc; }
.tsdl-demo-facts { font-size: 0.85em; color: #444; margin: 10px 0 0; }
.tsdl-demo-error { color: #b00; }
`;
