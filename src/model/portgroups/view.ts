import type { ViewBuilder } from '../view.js';

// PLACEHOLDER until the portgroups probe lands: no probe-specific tables (the findings table is always there).
export const portgroupsView: ViewBuilder = () => [];
