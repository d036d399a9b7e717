// The admin page at `/`: one self-contained document (no CDN, nothing fetched but the JSON
// API), polling the API twice a second.
#include "proxy/admin_server.h"

namespace ks {

const char* const kAdminPageHtml = R"KSPAGE(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>keyshard admin</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;background:#f4f5f7;color:#222}
header{background:#1d2733;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:baseline}
header h1{font-size:18px;margin:0}header span{opacity:.7}
main{display:grid;grid-template-columns:540px 1fr;gap:16px;padding:16px}
section{background:#fff;border-radius:6px;padding:12px 16px;box-shadow:0 1px 2px #0002}
h2{font-size:15px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}td,th{padding:4px 6px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.mem{background:#e6e8eb;border-radius:3px;height:8px;width:120px;display:inline-block;vertical-align:middle}
.mem i{display:block;height:100%;border-radius:3px;background:#4c8bf5}
form{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin-bottom:8px}
input,select,button{font:inherit;padding:4px 8px}
.bar{background:#e6e8eb;border-radius:4px;height:16px;flex:1;position:relative;overflow:hidden}
.bar i{display:block;height:100%;background:#36b37e;transition:width .3s}
.bar b{position:absolute;left:6px;top:0;font-size:12px;font-weight:normal}
.move{display:flex;gap:8px;align-items:center;margin:6px 0}
.err{color:#c00}#legend span{margin-right:12px}
canvas{image-rendering:pixelated;border:1px solid #ddd}
</style></head><body>
<header><h1>keyshard</h1><span id="summary">loading…</span>
<label style="margin-left:auto">token <input id="token" type="password" size="14" placeholder="admin-token"></label></header>
<main>
<section><h2>Slot map (16384 slots, 128 per row)</h2><canvas id="map" width="512" height="512"></canvas>
<div id="legend"></div><div id="hover">&nbsp;</div></section>
<div>
<section><h2>Engines</h2><table id="engines"><thead><tr><th>engine</th><th>slots</th><th>keys</th><th>memory / budget</th><th>ops/s</th><th>hit ratio</th><th>policy</th><th></th></tr></thead><tbody></tbody></table>
<form id="addengine"><button type="submit" id="add-engine">Add engine</button></form></section>
<section style="margin-top:16px"><h2>Move slots</h2>
<form id="moveform"><label>slots <input id="slots" placeholder="0-999,5000" required size="18"></label>
<label>to engine <select id="to"></select></label><button type="submit" id="move-btn">Move</button></form>
<form id="rebalform"><label>rebalance by <select id="by"><option>slots</option><option>memory</option></select></label><button type="submit" id="rebalance-btn">Rebalance</button></form>
<div id="formerr" class="err"></div></section>
<section style="margin-top:16px"><h2>Running moves</h2><div id="running"><i>none</i></div></section>
<section style="margin-top:16px"><h2>Past moves</h2><table id="past"><thead><tr><th>id</th><th>slots</th><th>to</th><th>state</th><th>keys</th><th>max pause</th><th>took</th></tr></thead><tbody></tbody></table></section>
</div></main>
<script>
const colors=['#4c8bf5','#f5a623','#36b37e','#e5484d','#8e4ec6','#12a5b8','#d6409f','#7f8c2d','#b35900','#3e63dd','#29a383','#e54666','#6e56cf','#978365','#0090ff','#ffb224'];
const color=i=>colors[i%colors.length];
const $=id=>document.getElementById(id);
$('token').value=localStorage.getItem('ks-token')||'';
$('token').onchange=()=>localStorage.setItem('ks-token',$('token').value);
async function api(method,path,body){
  const h={'Content-Type':'application/json'};const t=$('token').value;if(t)h.Authorization='Bearer '+t;
  const r=await fetch(path,{method,headers:h,body:body?JSON.stringify(body):undefined});
  const j=await r.json().catch(()=>({}));if(!r.ok)throw new Error(j.error||r.statusText);return j;}
function fmtBytes(b){const u=['B','KB','MB','GB','TB'];let i=0;while(b>=1024&&i<4){b/=1024;i++}return b.toFixed(i?1:0)+' '+u[i]}
let owners=new Uint16Array(16384);
function drawMap(slots){
  const c=$('map').getContext('2d');
  for(const r of slots)for(let s=r.from;s<=r.to;s++)owners[s]=r.engine;
  for(let s=0;s<16384;s++){c.fillStyle=color(owners[s]);c.fillRect((s%128)*4,Math.floor(s/128)*4,4,4);}
}
$('map').onmousemove=e=>{const r=$('map').getBoundingClientRect();const x=Math.floor((e.clientX-r.left)/4),y=Math.floor((e.clientY-r.top)/4);
  const s=y*128+x;if(s>=0&&s<16384)$('hover').textContent='slot '+s+' → engine '+owners[s];};
function renderEngines(es){
  const tb=$('engines').tBodies[0];tb.innerHTML='';
  let keys=0;
  for(const e of es){keys+=e.keys;
    const hits=e.keyspace_hits,miss=e.keyspace_misses,ratio=hits+miss?(100*hits/(hits+miss)).toFixed(1)+'%':'–';
    const pct=e.maxmemory?Math.min(100,100*e.used_memory/e.maxmemory):0;
    const tr=document.createElement('tr');
    tr.innerHTML=`<td><span class="sw" style="background:${color(e.id)}"></span>${e.id}</td><td>${e.slot_count}</td><td>${e.keys}</td>
<td>${fmtBytes(e.used_memory)} / ${e.maxmemory?fmtBytes(e.maxmemory):'∞'} <span class="mem"><i style="width:${pct}%"></i></span></td>
<td>${e.ops_per_sec}</td><td>${ratio}</td><td>${e.policy}</td><td></td>`;
    // An engine that owns no slots can be removed (the API refuses the others anyway).
    if(!e.slot_count&&es.length>1){const b=document.createElement('button');b.className='remove';b.textContent='Remove';
      b.onclick=()=>api('DELETE','/api/engines/'+e.id).then(refresh).catch(err=>$('formerr').textContent=err.message);
      tr.lastElementChild.appendChild(b);}
    tb.appendChild(tr);}
  const sel=$('to'),cur=sel.value;sel.innerHTML=es.map(e=>`<option value="${e.id}">${e.id}</option>`).join('');if(cur!=='')sel.value=cur;
  $('legend').innerHTML=es.map(e=>`<span><span class="sw" style="background:${color(e.id)}"></span>engine ${e.id}</span>`).join('');
  $('summary').textContent=`${es.length} engines · ${keys} keys`;
}
function renderMoves(ms){
  const run=ms.filter(m=>m.state==='running'),past=ms.filter(m=>m.state!=='running').reverse();
  const div=$('running');
  if(!run.length)div.innerHTML='<i>none</i>';
  else{div.innerHTML='';for(const m of run){const pct=m.slots_total?Math.floor(100*m.slots_done/m.slots_total):100;
    const row=document.createElement('div');row.className='move';row.dataset.id=m.id;
    row.innerHTML=`<span>${m.id}: ${m.slots} → ${m.to}</span><div class="bar"><i style="width:${pct}%"></i><b>${pct}% · ${m.slots_done}/${m.slots_total} slots · ${m.keys_moved} keys</b></div><button class="cancel">Cancel</button>`;
    row.querySelector('.cancel').onclick=()=>api('DELETE','/api/moves/'+m.id).catch(e=>$('formerr').textContent=e.message);
    div.appendChild(row);}}
  const tb=$('past').tBodies[0];tb.innerHTML='';
  for(const m of past){const tr=document.createElement('tr');tr.dataset.id=m.id;tr.className='past-move';
    const pct=m.slots_total?Math.floor(100*m.slots_done/m.slots_total):100;
    tr.innerHTML=`<td>${m.id}</td><td>${m.slots}</td><td>${m.to}</td><td class="state">${m.state}${m.error?' <span class=err>'+m.error+'</span>':''}</td>
<td>${m.keys_moved}</td><td>${(m.max_pause_us/1000).toFixed(1)} ms</td><td><div class="bar"><i style="width:${pct}%"></i><b>${pct}% · ${((m.finished_ms-m.started_ms)/1000).toFixed(1)} s</b></div></td>`;tb.appendChild(tr);}
}
async function refresh(){
  try{const [es,sl,ms]=await Promise.all([api('GET','/api/engines'),api('GET','/api/slots'),api('GET','/api/moves')]);
    renderEngines(es);drawMap(sl);renderMoves(ms);}catch(e){$('summary').textContent='error: '+e.message;}
}
$('moveform').onsubmit=async ev=>{ev.preventDefault();$('formerr').textContent='';
  try{await api('POST','/api/moves',{slots:$('slots').value,to:parseInt($('to').value)});refresh();}catch(e){$('formerr').textContent=e.message;}};
$('rebalform').onsubmit=async ev=>{ev.preventDefault();$('formerr').textContent='';
  try{await api('POST','/api/rebalance',{by:$('by').value});refresh();}catch(e){$('formerr').textContent=e.message;}};
$('addengine').onsubmit=async ev=>{ev.preventDefault();$('formerr').textContent='';
  try{await api('POST','/api/engines');refresh();}catch(e){$('formerr').textContent=e.message;}};
refresh();setInterval(refresh,500);
</script></body></html>
)KSPAGE";

}  // namespace ks
