/**
 * Webhook delivery to the app, as GitHub does it: a POST per event with X-GitHub-Event,
 * X-GitHub-Delivery (uuid), X-Hub-Signature-256 (HMAC-SHA256 of the exact body), a 10 s timeout
 * and no automatic retry. Payloads are checked against the official schemas first.
 * Deliveries go out one at a time in order, unless a fault knob delays, duplicates or drops them.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { Faults } from "./faults.js";
import type { ViolationLog } from "./violations.js";
import type { WebhookSchemas } from "./webhook-schemas.js";

type Payload = Record<string, unknown>;

export interface DeliveryRecord {
  id: string;
  event: string;
  action: string | undefined;
  payload: Payload;
  /** HTTP status the app answered, or null when it could not be reached. */
  status: number | null;
  /** The URL it was sent to (which app instance took it), or null when none was running. */
  url: string | null;
  error?: string;
  /** true for a re-send with the same delivery id (GitHub "Redeliver", or a duplicate fault). */
  redelivery: boolean;
  /** When it was sent (epoch ms): a delivery sent before an instance stopped may finish after. */
  sentAt: number;
  durationMs: number;
}

export interface DelivererOptions {
  secret: string;
  /**
   * The webhook URL for the next delivery, or null while no app instance runs. GitHub sends each
   * delivery to the one URL the app has; behind a load balancer it reaches one instance.
   */
  target: () => string | null;
  /** Events the app subscribes to (installation events always go out). */
  events: string[];
  appId: number;
  faults: Faults;
  schemas: WebhookSchemas;
  violations: ViolationLog;
  /** GitHub gives up on a delivery after 10 seconds. */
  timeoutMs?: number;
}

interface Pending {
  id: string;
  event: string;
  payload: Payload;
  body: string;
  redelivery: boolean;
}

export class WebhookDeliverer {
  readonly deliveries: DeliveryRecord[] = [];
  /** While true (before the app first starts), deliveries wait instead of failing. */
  paused = true;
  readonly #queue: Pending[] = [];
  #inFlight = 0;
  #pumping = false;
  #held = 0;

  constructor(private readonly options: DelivererOptions) {}

  /** Validates, signs and queues one event. Invalid payloads are violations and are not sent. */
  enqueue(event: string, payload: Payload): void {
    const subscribed = event === "installation" || this.options.events.includes(event);
    if (!subscribed) return;
    let body: Payload;
    try {
      body = this.options.schemas.project(event, payload);
      this.options.schemas.validate(event, body);
    } catch (error) {
      this.options.violations.record(
        "webhook-payload",
        `webhook ${event}.${String(payload.action ?? "")}`,
        (error as Error).message,
      );
      return;
    }
    const pending: Pending = {
      id: randomUUID(),
      event,
      payload: body,
      body: JSON.stringify(body),
      redelivery: false,
    };
    if (this.options.faults.takeDrop()) {
      this.deliveries.push({
        id: pending.id,
        event,
        action: body.action as string | undefined,
        payload: body,
        status: null,
        url: null,
        error: "dropped by fault knob",
        redelivery: false,
        sentAt: Date.now(),
        durationMs: 0,
      });
      return;
    }
    const delay = this.options.faults.takeDelay();
    if (delay !== null) {
      // Held deliveries bypass the queue: they arrive late and out of order.
      this.#held++;
      setTimeout(() => {
        void this.#send(pending).finally(() => {
          this.#held--;
        });
      }, delay);
      return;
    }
    this.#queue.push(pending);
    const duplicate = this.options.faults.takeDuplicate();
    if (duplicate) {
      this.#queue.push({
        ...pending,
        id: duplicate.sameId ? pending.id : randomUUID(),
        redelivery: duplicate.sameId,
      });
    }
    void this.#pump();
  }

  /** "Redeliver" from the app's advanced settings: same delivery id, same body. */
  redeliver(deliveryId: string): void {
    const original = this.deliveries.find((d) => d.id === deliveryId);
    if (!original) throw new Error(`no delivery ${deliveryId} to redeliver`);
    this.#queue.push({
      id: original.id,
      event: original.event,
      payload: original.payload,
      body: JSON.stringify(original.payload),
      redelivery: true,
    });
    void this.#pump();
  }

  resume(): void {
    this.paused = false;
    void this.#pump();
  }

  isIdle(): boolean {
    return this.#queue.length === 0 && this.#inFlight === 0 && this.#held === 0;
  }

  /** Human-readable backlog, for timeout errors. */
  describeBacklog(): string {
    return `${this.#queue.length} queued (${this.#queue.map((p) => p.event).join(", ")}), ${this.#inFlight} in flight, ${this.#held} delayed`;
  }

  async #pump(): Promise<void> {
    if (this.#pumping || this.paused) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.paused) {
        const next = this.#queue.shift()!;
        await this.#send(next);
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #send(p: Pending): Promise<void> {
    this.#inFlight++;
    const started = Date.now();
    const record: DeliveryRecord = {
      id: p.id,
      event: p.event,
      action: p.payload.action as string | undefined,
      payload: p.payload,
      status: null,
      url: null,
      redelivery: p.redelivery,
      sentAt: started,
      durationMs: 0,
    };
    try {
      const url = this.options.target();
      record.url = url;
      if (!url) throw new Error("the app is not running (connection refused)");
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "GitHub-Hookshot/sandbox",
          "x-github-event": p.event,
          "x-github-delivery": p.id,
          "x-github-hook-id": "1",
          "x-github-hook-installation-target-id": String(this.options.appId),
          "x-github-hook-installation-target-type": "integration",
          "x-hub-signature": `sha1=${createHmac("sha1", this.options.secret).update(p.body).digest("hex")}`,
          "x-hub-signature-256": `sha256=${createHmac("sha256", this.options.secret).update(p.body).digest("hex")}`,
        },
        body: p.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      record.status = response.status;
      await response.text();
    } catch (error) {
      record.error = (error as Error).message;
    } finally {
      record.durationMs = Date.now() - started;
      this.deliveries.push(record);
      this.#inFlight--;
    }
  }
}
