/**
 * The page's script and styles, bundled by Bun at server start (in memory, content-hashed names), so
 * nothing built is committed and a changed source is served after a restart.
 */
export interface Asset {
  body: Blob;
  type: string;
}

export interface Assets {
  /** By file name, e.g. "main-3f2a….js". */
  files: Map<string, Asset>;
  scripts: string[];
  styles: string[];
}

const ENTRY = new URL("./.web/main.ts", import.meta.url).pathname;

let cached: Promise<Assets> | undefined;

/** Builds once per process; a failed build is retried on the next call. */
export function buildAssets(): Promise<Assets> {
  cached ??= build().catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function build(): Promise<Assets> {
  const out = await Bun.build({
    entrypoints: [ENTRY],
    target: "browser",
    minify: true,
    naming: { entry: "[name]-[hash].[ext]", chunk: "[name]-[hash].[ext]", asset: "[name]-[hash].[ext]" },
  });
  if (!out.success) {
    throw new Error(`Dashboard build failed: ${out.logs.map((l) => l.message).join("; ")}`);
  }
  const assets: Assets = { files: new Map(), scripts: [], styles: [] };
  for (const artifact of out.outputs) {
    const name = artifact.path.replace(/^.*\//, "");
    assets.files.set(name, { body: artifact, type: artifact.type });
    if (artifact.kind === "entry-point" && name.endsWith(".js")) assets.scripts.push(name);
    else if (name.endsWith(".css")) assets.styles.push(name);
  }
  return assets;
}
