/** Open a pipe to the child (the values are Python's). */
export const PIPE = -1;
/** For stderr: send it where stdout goes. */
export const STDOUT = -2;
/** Connect the stream to /dev/null. */
export const DEVNULL = -3;
