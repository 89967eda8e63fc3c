declare module "*.hbs" {
  const template: string;
  export default template;
}
