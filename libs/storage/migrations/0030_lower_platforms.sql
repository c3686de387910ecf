-- JT/T 809 lower platforms (下级平台, issue #17): the company or service-provider platforms that
-- forward their vehicles to us over JT/T 809. Administered by admin through the API; read by
-- services/gateway-jt809 to check a 0x1001 login.
CREATE TABLE lower_platforms (
  -- MSG_GNSSCENTERID of every frame's header: a UINT32
  access_code     bigint PRIMARY KEY CHECK (access_code BETWEEN 0 AND 4294967295),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- the transport company it belongs to, when it is one company's own platform
  company_id      text REFERENCES companies (company_id),
  -- the service provider (第三方服务商) that runs it, when it is not the company itself
  provider_name   text,
  -- the USERID of 0x1001 (UINT32)
  user_id         bigint NOT NULL CHECK (user_id BETWEEN 0 AND 4294967295),
  -- 0x1001 carries the password in clear (8 bytes), so only its scrypt hash is kept:
  -- 'scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>'
  password_hash   text NOT NULL,
  -- the source addresses a login may come from (IPv4/IPv6 addresses or CIDR ranges); empty: none
  allowed_sources text[] NOT NULL DEFAULT '{}',
  -- the simple encryption (JT/T 809 §4.4): symmetric, so the keys are kept as given
  encrypt         boolean NOT NULL DEFAULT false,
  encrypt_key     bigint NOT NULL DEFAULT 0 CHECK (encrypt_key BETWEEN 0 AND 4294967295),
  m1              bigint NOT NULL DEFAULT 0 CHECK (m1 BETWEEN 0 AND 4294967295),
  ia1             bigint NOT NULL DEFAULT 0 CHECK (ia1 BETWEEN 0 AND 4294967295),
  ic1             bigint NOT NULL DEFAULT 0 CHECK (ic1 BETWEEN 0 AND 4294967295),
  protocol_version text NOT NULL CHECK (protocol_version IN ('2011', '2019')),
  enabled         boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The vehicles a lower platform told us of (0x1201 registration, 0x1600 static information, or
-- just positions): discovered, not trusted — an officer reviews each before it joins the registry.
CREATE TABLE lower_platform_vehicles (
  access_code     bigint NOT NULL REFERENCES lower_platforms (access_code) ON DELETE CASCADE,
  plate           text NOT NULL,
  plate_colour    smallint NOT NULL,
  -- what the platform declared (0x1201's platform id, producer, terminal model/id, SIM; 0x1600's fields)
  registration    jsonb,
  static_info     jsonb,
  review_status   text NOT NULL DEFAULT 'pending' CHECK (review_status IN ('pending', 'accepted', 'rejected')),
  first_seen_at   timestamptz NOT NULL,
  last_seen_at    timestamptz NOT NULL,
  PRIMARY KEY (access_code, plate, plate_colour)
);

-- 0x1402 alarms a lower platform forwarded: the terminal side's evidence, kept and listed, not
-- judged as our own alerts.
CREATE TABLE lower_platform_alarms (
  access_code     bigint NOT NULL,
  plate           text NOT NULL,
  plate_colour    smallint NOT NULL,
  warn_src        smallint NOT NULL,
  warn_type       integer NOT NULL,
  warn_at         timestamptz NOT NULL,
  info_id         bigint NOT NULL,
  info_content    text NOT NULL DEFAULT '',
  received_at     timestamptz NOT NULL,
  -- one alarm once, however often the platform re-sends it
  PRIMARY KEY (access_code, plate, plate_colour, warn_type, warn_at, info_id)
);
CREATE INDEX lower_platform_alarms_received_idx ON lower_platform_alarms (received_at DESC);

-- What we ask a lower platform over its link: 查岗 (0x9301, answered 0x1301) and 督办 (0x9401,
-- answered 0x1401). The API creates a request; the gateway holding the platform's link sends it
-- (sent_at) and records the answer.
CREATE TABLE lower_platform_requests (
  request_id      text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('inspection', 'supervision')),
  access_code     bigint NOT NULL REFERENCES lower_platforms (access_code) ON DELETE CASCADE,
  -- the INFO_ID of the request, echoed by the answer (UINT32, unique per platform while open)
  info_id         bigint NOT NULL CHECK (info_id BETWEEN 0 AND 4294967295),
  -- 查岗: the inspection it belongs to; 督办: the alert
  inspection_id   text,
  alert_id        text,
  question        text NOT NULL,
  -- 督办: what 0x9401 carries besides (the alert's vehicle, warn source/type/time, level, supervisor and contact)
  detail          jsonb,
  created_at      timestamptz NOT NULL,
  deadline_at     timestamptz NOT NULL,
  sent_at         timestamptz,
  answered_at     timestamptz,
  answer          jsonb,
  UNIQUE (access_code, info_id)
);
CREATE INDEX lower_platform_requests_unsent_idx ON lower_platform_requests (access_code) WHERE sent_at IS NULL;
