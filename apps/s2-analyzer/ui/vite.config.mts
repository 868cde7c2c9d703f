import { flexgridUiConfig } from '@flexgrid/ui/vite';

export default flexgridUiConfig({ root: import.meta.dirname, outDir: '../dist/ui', devPort: 8083 });
