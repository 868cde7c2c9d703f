import { flexgridUiConfig } from '@flexgrid/ui/vite';

export default flexgridUiConfig({
  root: import.meta.dirname,
  outDir: '../dist/ui',
  devPort: 8081,
  icon: "<rect x='3' y='3' width='10' height='10' rx='2' fill='#0b63ce'/>",
});
