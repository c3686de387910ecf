/**
 * The embedded default's area bans (RULES §3, §11; issue #16): one drawn, one region-wide, so
 * 大件与限行 shows both and the demo's hazmat trucks (registered in 北京, 110000; their routes
 * start inside the fifth ring) meet one by day and one by night. Marked 演示: they illustrate the
 * two shapes, they are not the city's published rules.
 */
export const DEMO_AREA_BANS = [
  {
    banId: 'AB-DEMO-BJ-RING5',
    name: '北京五环路以内危化品运输车辆限行（演示）',
    regionCode: '110000',
    // The fifth ring's box, roughly: edge outside (§15).
    polygon: [
      [116.2, 39.76],
      [116.55, 39.76],
      [116.55, 40.02],
      [116.2, 40.02],
    ] as Array<[number, number]>,
    vehicleClasses: ['hazmat' as const],
    windows: [{ from: '06:00', to: '24:00' }],
  },
  {
    banId: 'AB-DEMO-BJ-NIGHT',
    name: '北京市危化品运输车辆夜间禁行（演示，全区域）',
    // No polygon: the hazmat vehicles registered in 北京 (11…), wherever they drive.
    regionCode: '11',
    vehicleClasses: ['hazmat' as const],
    windows: [{ from: '00:00', to: '06:00' }],
  },
];
