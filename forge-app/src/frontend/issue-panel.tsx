// UI Kit entry of the issue-panel resource (manifest.yml).
import ForgeReconciler from '@forge/react';
import { StrictMode } from 'react';
import { IssuePanelApp } from './issue-panel-app';

ForgeReconciler.render(
  <StrictMode>
    <IssuePanelApp />
  </StrictMode>,
);
