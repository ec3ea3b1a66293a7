// A tiny XML parser for the tests: enough to prove JUnit output well-formed (balanced tags, quoted
// attributes, known entities, no stray '<' or '&') and to read it back as a tree.
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string, where: number): string {
  return text.replace(/&([^;]*);|&/g, (match, name: string | undefined) => {
    if (name === undefined) throw new Error(`bare '&' near offset ${where}`);
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const value = ENTITIES[name];
    if (value === undefined) throw new Error(`unknown entity ${match} near offset ${where}`);
    return value;
  });
}

export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const declaration = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (declaration) pos = declaration[0].length;
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? xml.length : lt;
    const text = xml.slice(pos, textEnd);
    if (text.includes('>')) throw new Error(`stray '>' near offset ${pos}`);
    stack[stack.length - 1]!.text += decode(text, pos);
    if (lt === -1) break;
    const gt = xml.indexOf('>', lt);
    if (gt === -1) throw new Error(`unterminated tag at offset ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const open = stack.pop();
      if (!open || open.name !== tag.slice(1).trim())
        throw new Error(`mismatched </${tag.slice(1)}> at offset ${lt}`);
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const nameMatch = /^([A-Za-z_][\w.-]*)/.exec(body);
      if (!nameMatch) throw new Error(`bad tag name at offset ${lt}`);
      const element: XmlElement = { name: nameMatch[1]!, attributes: {}, children: [], text: '' };
      const rest = body.slice(nameMatch[0].length);
      const attr = /\s+([A-Za-z_][\w.-]*)="([^"<]*)"/gy;
      let consumed = 0;
      for (let m = attr.exec(rest); m; m = attr.exec(rest)) {
        if (m[1]! in element.attributes) throw new Error(`duplicate attribute ${m[1]} at offset ${lt}`);
        element.attributes[m[1]!] = decode(m[2]!, lt);
        consumed = attr.lastIndex;
      }
      if (rest.slice(consumed).trim() !== '')
        throw new Error(`bad attributes in <${element.name}> at offset ${lt}: ${rest.slice(consumed)}`);
      stack[stack.length - 1]!.children.push(element);
      if (!selfClosing) stack.push(element);
    }
    pos = gt + 1;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1 || root.text.trim() !== '')
    throw new Error('document must have exactly one root element');
  return root.children[0]!;
}

export function findAll(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement): void => {
    if (e.name === name) found.push(e);
    e.children.forEach(visit);
  };
  visit(element);
  return found;
}
