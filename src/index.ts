/**
 * tsdl — the helper library behind the lessons. Notebooks import it in one line:
 *
 *     import * as tsdl from "tsdl";
 */
export * as tf from "@tensorflow/tfjs";
export * from "./backend/select";
export * from "./profile";
export * from "./notebook/display";
