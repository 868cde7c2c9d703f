import { flexgridUiConfig } from '@flexgrid/ui/vite';

// `PORT=8083 npx nx serve p2p-grid`, then `npx nx run p2p-grid:dev-ui` (libs/ui README "Development").
export default flexgridUiConfig({ root: import.meta.dirname, outDir: '../dist/ui', devPort: 8083 });
