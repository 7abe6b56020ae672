/** The JSON shapes of the phone features' owner API: workers and invitations (a loyalty program is answered as the core keeps it). */
import { Worker } from "../core/phone/card-model";

export interface WorkerView {
  id: string;
  merchantId: string;
  name: string;
  createdAt: string;
  /** When the worker's open shift began; null while clocked out. */
  clockedInSince: string | null;
}

export function workerView(worker: Worker): WorkerView {
  return {
    id: worker.id,
    merchantId: worker.merchantId,
    name: worker.name,
    createdAt: new Date(worker.createdAt).toISOString(),
    clockedInSince: worker.clockedInSince === undefined ? null : new Date(worker.clockedInSince).toISOString(),
  };
}

/** A new invitation: the link to give the worker (once: it is not kept) and the same as a QR code. */
export interface InvitationView {
  workerId: string;
  link: string;
  expiresAt: string;
  /** The link as a QR code, an SVG document. */
  qrSvg: string;
}
