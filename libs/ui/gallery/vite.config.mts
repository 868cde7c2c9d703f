import { flexgridUiConfig } from '@flexgrid/ui/vite';

// Built by the gallery test (test/gallery.spec.ts) and `npx nx run ui:build-gallery` into libs/ui/dist/gallery.
export default flexgridUiConfig({
  root: import.meta.dirname,
  outDir: '../dist/gallery',
  icon: "<rect x='3' y='3' width='10' height='10' rx='2' fill='#0b63ce'/>",
});
