import { flexgridUiConfig } from '@flexgrid/ui/vite';

// Built by the app's `build` (through `build-ui`) into apps/powermatcher-auctioneer/dist/ui, served under /ui/.
export default flexgridUiConfig({ root: import.meta.dirname, outDir: '../dist/ui', devPort: 8082 });
