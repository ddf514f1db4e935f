// exceljs's workbook class from its own module (src/tables/xlsx.ts): the package types only its index.
declare module 'exceljs/lib/doc/workbook.js' {
  import type { Workbook } from 'exceljs';
  const WorkbookClass: typeof Workbook;
  export default WorkbookClass;
}
