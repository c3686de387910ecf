export { TestTerminal, locationReport, type LocationInput, type TestTerminalOptions } from './jt808-terminal';
