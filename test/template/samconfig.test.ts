import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { template } from './template-fixtures.js';

type TomlValue = string | number | boolean;

/**
 * Reads the subset of TOML samconfig.toml uses: comments, `[a.b.c]` tables and `key = value` with
 * a basic string, a boolean or a number. Anything else is an error, so the file stays in that subset.
 */
function parseSamconfigToml(text: string): Record<string, Record<string, TomlValue>> {
  const tables: Record<string, Record<string, TomlValue>> = { '': {} };
  let current = '';
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const table = /^\[([A-Za-z0-9_.-]+)\]$/.exec(line);
    if (table?.[1] !== undefined) {
      current = table[1];
      if (tables[current] !== undefined) throw new Error(`line ${index + 1}: table [${current}] defined twice`);
      tables[current] = {};
      continue;
    }
    const pair = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    const values = tables[current];
    if (pair?.[1] === undefined || pair[2] === undefined || values === undefined) throw new Error(`line ${index + 1}: not a key = value pair: ${line}`);
    const [, key, value] = pair;
    if (key in values) throw new Error(`line ${index + 1}: ${key} given twice`);
    if (/^"([^"\\]*)"$/.test(value)) values[key] = value.slice(1, -1);
    else if (value === 'true' || value === 'false') values[key] = value === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(value)) values[key] = Number(value);
    else throw new Error(`line ${index + 1}: unsupported value ${value}`);
  }
  return tables;
}

const config = parseSamconfigToml(readFileSync('samconfig.toml', 'utf8'));

/** IAM resource properties that give a resource a name of our choosing, which needs CAPABILITY_NAMED_IAM. */
const NAMED_IAM_PROPERTIES = ['RoleName', 'UserName', 'GroupName', 'ManagedPolicyName', 'InstanceProfileName'];

describe('parseSamconfigToml', () => {
  it('reads tables, strings, booleans and numbers', () => {
    expect(parseSamconfigToml('version = 0.1\n# note\n[default.deploy.parameters]\nresolve_s3 = true\nstack_name = "app"\n')).toEqual({
      '': { version: 0.1 },
      'default.deploy.parameters': { resolve_s3: true, stack_name: 'app' },
    });
  });

  it('refuses what it cannot read rather than guess', () => {
    expect(() => parseSamconfigToml('tags = ["a"]')).toThrow(/unsupported value/);
    expect(() => parseSamconfigToml('[a]\nx = 1\n[a]')).toThrow(/defined twice/);
  });
});

describe('samconfig.toml', () => {
  it('declares the version SAM CLI requires', () => {
    expect(config['']).toEqual({ version: 0.1 });
  });

  it('names the stack for every command', () => {
    expect(config['default.global.parameters']?.['stack_name']).toMatch(/^[A-Za-z][A-Za-z0-9-]{0,127}$/);
  });

  it('deploys with IAM capability, a managed artifact bucket and a changeset to confirm', () => {
    expect(config['default.deploy.parameters']).toMatchObject({ capabilities: 'CAPABILITY_IAM CAPABILITY_NAMED_IAM', resolve_s3: true, confirm_changeset: true });
    expect(config['default.package.parameters']).toMatchObject({ resolve_s3: true });
  });

  it('asks for CAPABILITY_NAMED_IAM exactly when the template names an IAM resource', () => {
    // Prepare
    const named = Object.entries(template.Resources).filter(
      ([, resource]) => resource.Type.startsWith('AWS::IAM::') && NAMED_IAM_PROPERTIES.some((property) => resource.Properties?.[property] !== undefined),
    );

    // Act
    const capabilities = String(config['default.deploy.parameters']?.['capabilities'] ?? '').split(' ');

    // Assess
    expect(capabilities.includes('CAPABILITY_NAMED_IAM')).toBe(named.length > 0);
  });

  it('gives sam local invoke the env-vars file', () => {
    const envVars = config['default.local_invoke.parameters']?.['env_vars'];
    expect(envVars).toBe('events/env.json');
    expect(existsSync(String(envVars))).toBe(true);
  });
});
