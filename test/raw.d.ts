declare module "*.md?raw" {
  const text: string;
  export default text;
}

declare module "*.toml?raw" {
  const text: string;
  export default text;
}
declare module "*.example?raw" {
  const text: string;
  export default text;
}
