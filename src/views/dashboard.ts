import { type DashboardData, fitDashboard } from "../core/dashboard.js";
import { ledgerSection, renderRunBlock } from "../core/run-state.js";
import template from "../templates/dashboard.hbs";
import { compileTemplate } from "./compile-template.js";

type DashboardView = Omit<DashboardData, "inFlight"> & {
  inFlight: (DashboardData["inFlight"][number] & { since: string })[];
  runBlock: string;
  ledgerBlock: string | null;
};

const render = compileTemplate<DashboardView>(template);

/** The run's dashboard issue body, trimmed to fit GitHub's issue size limit. */
export function renderDashboard(data: DashboardData): string {
  return fitDashboard(data, renderOnce);
}

function renderOnce(data: DashboardData): string {
  return render({
    ...data,
    inFlight: data.inFlight.map((e) => ({
      ...e,
      since: e.dispatched ?? "—",
    })),
    runBlock: renderRunBlock(data.run, null),
    ledgerBlock: data.ledger ? ledgerSection(data.ledger.tsv) : null,
  });
}
