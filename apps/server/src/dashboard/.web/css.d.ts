/** Bun's bundler turns CSS imports into stylesheet assets; they have no exports. */
declare module "*.css";
