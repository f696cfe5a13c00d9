/**
 * The page's styles: system fonts only (nothing to load), light and dark schemes from the reader's
 * setting, status colours with a contrast of at least 4.5:1 on their background in both, a print
 * layout, and the fleet's target views shown one at a time (the one the address points at).
 */
export const pageStyle = `
:root{--bg:#fff;--fg:#1b1f24;--mute:#57606a;--line:#d0d7de;--card:#f6f8fa;--p:#116329;--w:#7a4d00;--f:#b3261e;--e:#8a1c7c;--s:#57606a;--n:#57606a;--x:#3a5ccc;--pb:#dafbe1;--wb:#fff1c2;--fb:#ffe3e0;--eb:#fbe2f7;--sb:#eaeef2;--nb:#f6f8fa;--xb:#e3e9ff;--accent:#0550ae}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#9da7b3;--line:#30363d;--card:#161b22;--p:#56d364;--w:#e3b341;--f:#ff7b72;--e:#f0a3e4;--s:#9da7b3;--n:#9da7b3;--x:#a5b4ff;--pb:#0f2d18;--wb:#35290a;--fb:#3d1512;--eb:#35133a;--sb:#21262d;--nb:#161b22;--xb:#1c2346;--accent:#79c0ff}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:78rem;margin:0 auto;padding:0 1rem 3rem}
a{color:var(--accent)}
a:focus-visible,button:focus-visible,select:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.25rem .5rem}
.top{border-bottom:1px solid var(--line);padding:.4rem 1rem;color:var(--mute);font-size:.85rem}
.top p{margin:0}
h1{font-size:1.6rem;margin:1rem 0 .25rem}h2{font-size:1.25rem;margin:1.6rem 0 .5rem;border-bottom:1px solid var(--line)}h3{font-size:1.05rem;margin:1rem 0 .35rem}h4{font-size:.95rem;margin:.6rem 0 .2rem}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.facts{color:var(--mute);margin:.2rem 0 .6rem}
.verdict{display:inline-block;padding:.1rem .6rem;border-radius:1rem;font-size:.9em;vertical-align:middle}
.verdict.p,.v.p{background:var(--pb);color:var(--p)}.verdict.w,.v.w{background:var(--wb);color:var(--w)}.verdict.f,.v.f{background:var(--fb);color:var(--f)}.verdict.e,.v.e{background:var(--eb);color:var(--e)}
.m{display:inline-block;width:1.2em;text-align:center;font-weight:700}.m i{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.m.p,.st.p{color:var(--p)}.m.w,.st.w{color:var(--w)}.m.f,.st.f{color:var(--f)}.m.e,.st.e{color:var(--e)}.m.s{color:var(--s)}.m.n{color:var(--n)}.m.x{color:var(--x)}
.counts{display:flex;flex-wrap:wrap;gap:.4rem;list-style:none;padding:0;margin:.4rem 0}
.counts li{background:var(--card);border:1px solid var(--line);border-radius:.4rem;padding:.15rem .6rem}
.checks{list-style:none;padding:0;margin:0}
.check{padding:.3rem .4rem;border-bottom:1px solid var(--line);display:grid;grid-template-columns:1.6em minmax(12rem,auto) 1fr;column-gap:.4rem}
.check details{grid-column:2/-1;font-size:.85rem}
.check .t{font-weight:600}.check .sum{grid-column:2/-1;color:var(--mute)}.check a{grid-column:2/-1}
.check.f{background:var(--fb)}.check.e{background:var(--eb)}.check.w{background:var(--wb)}
.was{color:var(--mute);font-size:.85em}
.finding{border:1px solid var(--line);border-left:4px solid var(--s);border-radius:.4rem;padding:.3rem .9rem;margin:.7rem 0;background:var(--card)}
.finding.f{border-left-color:var(--f)}.finding.e{border-left-color:var(--e)}.finding.w{border-left-color:var(--w)}.finding.x{border-left-color:var(--x)}
.finding .n{font-weight:400;color:var(--mute);font-size:.85em}
.steps li{margin:.15rem 0}
.caution,.drift{border:1px solid var(--w);background:var(--wb);padding:.3rem .9rem;border-radius:.4rem}
.note{color:var(--mute)}
.filter{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.4rem 0}
.filter:empty{display:none}
select,input,button{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:.3rem;padding:.1rem .4rem}
button{cursor:pointer}.copy{margin-left:.4rem;font-size:.8rem}
.timeline ol{list-style:none;margin:0;padding:0}
.timeline li{display:grid;grid-template-columns:minmax(14rem,40%) 1fr 8.5rem;gap:.5rem;align-items:center;border-bottom:1px solid var(--line);padding:.1rem 0;font-size:.85rem;background:linear-gradient(var(--card),var(--card)) no-repeat center/100% .9rem}
.timeline li>span:first-child{overflow-wrap:anywhere;background:var(--bg)}.timeline li>span:last-child{color:var(--mute);text-align:right;white-space:nowrap;background:var(--bg)}
.timeline b.p{color:var(--p)}.timeline b.w{color:var(--w)}.timeline b.f{color:var(--f)}.timeline b.e{color:var(--e)}
.timeline i{display:block;margin-left:calc(var(--l)*.1%);width:calc(var(--w)*.1%);height:.9rem;min-width:2px;background:var(--s);border-radius:2px}
.timeline i.p{background:var(--p)}.timeline i.w{background:var(--w)}.timeline i.f{background:var(--f)}.timeline i.e{background:var(--e)}
.timeline li.crit i{outline:2px solid var(--fg)}.cc,.c .crit>span:first-child::after{font-weight:normal;font-size:.75rem;border:1px solid var(--fg);border-radius:.3rem;padding:0 .25rem}.c .crit>span:first-child::after{content:"critical";margin-left:.3rem}
figcaption{color:var(--mute);font-size:.85rem;margin-top:.3rem}
.scroll{overflow:auto;max-height:80vh;border:1px solid var(--line)}
.matrix{border-collapse:collapse;font-size:.8rem}
.matrix th,.matrix td{border:1px solid var(--line);padding:.1rem .3rem;text-align:center;white-space:nowrap}
.matrix thead th{position:sticky;top:0;background:var(--card);writing-mode:vertical-rl;transform:rotate(180deg);text-align:left;max-height:12rem}
.matrix thead th:nth-child(-n+3){writing-mode:horizontal-tb;transform:none}
.matrix tbody th{text-align:left}.matrix .tags{color:var(--mute)}
.matrix caption{text-align:left;color:var(--mute);padding:.2rem}
.matrix td.p{background:var(--pb);color:var(--p)}.matrix td.w{background:var(--wb);color:var(--w)}.matrix td.f{background:var(--fb);color:var(--f)}.matrix td.e{background:var(--eb);color:var(--e)}.matrix td.s{background:var(--sb);color:var(--s)}.matrix td.x{background:var(--xb);color:var(--x)}.matrix td.n{color:var(--n)}
.sort{border:0;background:none;padding:0;font-weight:700;writing-mode:inherit}
.target{display:none;border-top:3px solid var(--line);margin-top:2rem}.back{display:block;margin:.5rem 0}
.target:target{display:block}
@media print{.filter,.copy,.skip,.sort{display:none}.scroll{max-height:none;overflow:visible}details{display:block}details>*{display:block}.check{break-inside:avoid}.finding{break-inside:avoid}body{font-size:11pt}}
`
