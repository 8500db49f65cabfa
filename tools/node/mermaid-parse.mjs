// Parse Mermaid diagrams with Mermaid's own parser, under Node.
//
//   node mermaid-parse.mjs < diagrams.json > results.json
//
// Input: a JSON array of diagram sources. Output: a JSON array, one object per diagram:
//   {"ok": true, "type": "er", "entities": {"name": [{"name", "type", "keys"}]},
//    "relationships": [{"from", "to", "cardA", "cardB", "role"}]}
//   {"ok": false, "error": "Parse error on line 3: ..."}
// Entities and relationships are reported for erDiagram only.
//
// Mermaid expects a browser; jsdom provides the window and document it touches while
// parsing (DOMPurify needs a window too). Nothing is rendered.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

const sources = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const source of sources) {
  try {
    await mermaid.parse(source);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
    const result = { ok: true, type: diagram.type };
    if (diagram.type === 'er') {
      const raw = diagram.db.getEntities();
      const entities = raw instanceof Map ? [...raw.values()] : Object.values(raw);
      const byId = new Map(entities.map((e) => [e.id, e.label]));
      result.entities = Object.fromEntries(entities.map((e) => [
        e.label,
        e.attributes.map((a) => ({ name: a.name, type: a.type, keys: a.keys ?? [] })),
      ]));
      result.relationships = diagram.db.getRelationships().map((r) => ({
        from: byId.get(r.entityA) ?? r.entityA,
        to: byId.get(r.entityB) ?? r.entityB,
        cardA: r.relSpec.cardA,
        cardB: r.relSpec.cardB,
        role: r.roleA,
      }));
    }
    results.push(result);
  } catch (error) {
    results.push({ ok: false, error: String(error?.message ?? error).split('\n').slice(0, 3).join(' ') });
  }
}
process.stdout.write(JSON.stringify(results));
