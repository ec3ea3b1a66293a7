// Plain JSON-like data from a scenario file (packets, patterns, properties), as the schema checked it.
export type Data = null | boolean | number | string | readonly Data[] | { readonly [key: string]: Data };
export type DataObject = { readonly [key: string]: Data };
