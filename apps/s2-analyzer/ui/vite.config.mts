import { flexgridUiConfig } from '@flexgrid/ui/vite';

export default flexgridUiConfig({
  root: import.meta.dirname,
  outDir: '../dist/ui',
  devPort: 8083,
  icon: "<path d='M2 4h8l-2-2M14 12H6l2 2' stroke='#0b63ce' stroke-width='2' fill='none'/>",
});
