// UI Kit entry of the epic-action resource (manifest.yml).
import ForgeReconciler from '@forge/react';
import { StrictMode } from 'react';
import { EpicActionApp } from './epic-action-app';

ForgeReconciler.render(
  <StrictMode>
    <EpicActionApp />
  </StrictMode>,
);
