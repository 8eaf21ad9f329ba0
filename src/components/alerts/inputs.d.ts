// Types for the parts of @observablehq/inputs the alerts form uses (the package ships none). Each input
// is a <form> element whose `value` is the current value and which fires `input` when it changes.
declare module "@observablehq/inputs" {
  export type Input<T> = HTMLFormElement & {value: T};
  interface Common {
    label?: string | Node;
    disabled?: boolean;
    width?: number | string;
  }
  export function text(options?: Common & {value?: string; placeholder?: string; required?: boolean}): Input<string>;
  export function number(options?: Common & {value?: number; step?: number | "any"; placeholder?: string}): Input<number>;
  export function number(extent: [number, number], options?: Common & {value?: number; step?: number | "any"}): Input<number>;
  export function select<T>(data: Iterable<T>, options?: Common & {value?: T; format?: (d: T) => string}): Input<T>;
  export function range(
    extent: [number, number],
    options?: Common & {value?: number; step?: number; format?: (d: number) => string},
  ): Input<number>;
  export function toggle(options?: Common & {value?: boolean}): Input<boolean>;
}
