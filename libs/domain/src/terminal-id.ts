/**
 * A terminal is known by its SIM (phone) number. 2013 headers carry it as BCD[6] (12
 * digits), 2019 headers as BCD[10] (20 digits), both left-padded with zeros: the same SIM
 * "13912345678" arrives as "013912345678" or "00000000013912345678". The canonical id drops
 * the padding so that a terminal keeps one id across editions, in the registries, in
 * positions and in commands.
 */
export const canonicalTerminalId = (phone: string): string => {
  const trimmed = phone.trim().replace(/^0+/, '');
  return trimmed.length === 0 ? '0' : trimmed;
};
