/** CSS files are bundled as text (scripts/build-admin.mjs) and put in a <style> at run time. */
declare module "*.css" {
  const text: string;
  export default text;
}
