/**
 * The drawing pad: a canvas that takes mouse, touch and pen strokes through pointer events and
 * hands back its ink as an {@link InkImage} (the alpha channel, so the page's colours don't
 * matter). Its resolution is fixed, whatever its size on screen, so the same strokes give the
 * same pixels on every display.
 */
import { MNIST_SIDE, type InkImage } from "../preprocess";

/** Pad side in canvas pixels: 10 per MNIST pixel. */
export const PAD_SIZE = 280;
/** Brush diameter: about 2 MNIST pixels once the digit is scaled into its 20×20 box. */
export const BRUSH = 18;

export class Pad {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;
  private pointer: number | null = null;

  /** `onInk` runs after every change of the ink. */
  constructor(private readonly onInk: () => void) {
    this.canvas = document.createElement("canvas");
    this.canvas.width = this.canvas.height = PAD_SIZE;
    this.canvas.className = "tsdl-demo-pad";
    this.canvas.setAttribute("role", "img"); // a canvas has no role, and ARIA names only elements with one
    this.canvas.setAttribute(
      "aria-label",
      "Drawing pad: draw a digit with the mouse, a finger or a pen, or pick one of the test digits below",
    );
    const ctx = this.canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) throw new Error("this browser gives no 2D canvas");
    this.ctx = ctx;
    this.canvas.addEventListener("pointerdown", (e) => this.down(e));
    this.canvas.addEventListener("pointermove", (e) => this.move(e));
    for (const type of ["pointerup", "pointercancel"] as const) this.canvas.addEventListener(type, (e) => this.up(e));
  }

  private at(e: PointerEvent): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - box.left) * PAD_SIZE) / box.width, y: ((e.clientY - box.top) * PAD_SIZE) / box.height };
  }

  private down(e: PointerEvent): void {
    if (this.pointer !== null || (e.pointerType === "mouse" && e.button !== 0)) return;
    e.preventDefault();
    this.pointer = e.pointerId;
    this.canvas.setPointerCapture(e.pointerId);
    this.last = this.at(e);
    this.ctx.fillStyle = "#000";
    this.ctx.beginPath();
    this.ctx.arc(this.last.x, this.last.y, BRUSH / 2, 0, 2 * Math.PI);
    this.ctx.fill();
    this.onInk();
  }

  private move(e: PointerEvent): void {
    if (e.pointerId !== this.pointer || !this.last) return;
    e.preventDefault();
    const c = this.ctx;
    c.strokeStyle = "#000";
    c.lineWidth = BRUSH;
    c.lineCap = c.lineJoin = "round";
    c.beginPath();
    c.moveTo(this.last.x, this.last.y);
    // Fast strokes deliver several positions per frame: draw them all, not just the last.
    for (const p of e.getCoalescedEvents?.() ?? [e]) {
      this.last = this.at(p);
      c.lineTo(this.last.x, this.last.y);
    }
    c.stroke();
    this.onInk();
  }

  private up(e: PointerEvent): void {
    if (e.pointerId !== this.pointer) return;
    this.pointer = null;
    this.last = null;
    this.onInk();
  }

  clear(): void {
    this.ctx.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
    this.onInk();
  }

  /** Puts a 28×28 digit (bytes 0-255) on the pad, each pixel a 10×10 block of ink. */
  showDigit(pixels: Uint8Array): void {
    const scale = PAD_SIZE / MNIST_SIDE;
    const image = this.ctx.createImageData(PAD_SIZE, PAD_SIZE);
    for (let y = 0; y < PAD_SIZE; y++) {
      for (let x = 0; x < PAD_SIZE; x++) {
        image.data[(y * PAD_SIZE + x) * 4 + 3] = pixels[Math.floor(y / scale) * MNIST_SIDE + Math.floor(x / scale)]!;
      }
    }
    this.ctx.putImageData(image, 0, 0);
    this.onInk();
  }

  /** The ink: alpha / 255 per canvas pixel. */
  ink(): InkImage {
    const rgba = this.ctx.getImageData(0, 0, PAD_SIZE, PAD_SIZE).data;
    const data = new Float32Array(PAD_SIZE * PAD_SIZE);
    for (let i = 0; i < data.length; i++) data[i] = rgba[i * 4 + 3]! / 255;
    return { width: PAD_SIZE, height: PAD_SIZE, data };
  }
}
