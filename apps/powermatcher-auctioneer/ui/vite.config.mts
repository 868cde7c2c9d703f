import { flexgridUiConfig } from '@flexgrid/ui/vite';

// Built by `npx nx build powermatcher-auctioneer` (through build-ui) and by the dashboard test into ../dist/ui.
export default flexgridUiConfig({
  root: import.meta.dirname,
  outDir: '../dist/ui',
  devPort: 8080,
  icon: "<path d='M2 3h4v4h4v4h4' fill='none' stroke='#0b63ce' stroke-width='2'/>",
});
