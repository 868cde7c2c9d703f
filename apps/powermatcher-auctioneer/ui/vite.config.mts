import { flexgridUiConfig } from '@flexgrid/ui/vite';

// Built by `npx nx build powermatcher-auctioneer` (through build-ui) and by the dashboard test into ../dist/ui.
export default flexgridUiConfig({ root: import.meta.dirname, outDir: '../dist/ui', devPort: 8080 });
