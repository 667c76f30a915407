import {
  capacityByRole,
  LEVEL_INFO,
  TeamLevel,
  TeamMember,
  TeamMemberInput,
  TeamMemberUpdate,
  TeamRole,
} from '@augment/shared';
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../app.js';
import { ErrorBody, errorResponses, jsonContent as json } from './schemas.js';

const IdParam = z.object({ member_id: z.coerce.number().int().positive() });
const notFound = { 404: json(ErrorBody, 'No such member') };
const boolQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export function registerTeamMemberRoutes(app: App, deps: AppDeps) {
  const store = () => deps.services.teamMembers;
  const tags = ['team-members'];

  app.openapi(
    createRoute({
      method: 'get',
      path: '/team-members/roles',
      tags,
      summary: 'Roles, with the number of active members and their capacity',
      responses: {
        200: json(
          z.object({
            roles: z.array(
              z.object({ role: TeamRole, members: z.number(), capacity_days_per_sprint: z.number() }),
            ),
          }),
          'Roles',
        ),
        ...errorResponses,
      },
    }),
    (c) => {
      const members = store().list(c.get('principal').tenant, { active: true });
      const roles = TeamRole.options.map((role) => {
        const of = members.filter((m) => m.role === role);
        return {
          role,
          members: of.length,
          capacity_days_per_sprint: of.reduce((s, m) => s + m.capacity_days_per_sprint, 0),
        };
      });
      return c.json({ roles }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/team-members/levels',
      tags,
      summary: 'Seniority levels and their default capacity per sprint',
      responses: {
        200: json(
          z.object({
            levels: z.array(
              z.object({
                level: TeamLevel,
                description: z.string(),
                default_capacity_days_per_sprint: z.number(),
              }),
            ),
          }),
          'Levels',
        ),
        ...errorResponses,
      },
    }),
    (c) => c.json({ levels: TeamLevel.options.map((level) => ({ level, ...LEVEL_INFO[level] })) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/team-members/role/{role_id}/capacity',
      tags,
      summary: 'Capacity per sprint of a role (optionally within one team)',
      request: {
        params: z.object({ role_id: TeamRole }),
        query: z.object({ team_id: z.coerce.number().int().positive().optional() }),
      },
      responses: {
        200: json(
          z.object({
            role: TeamRole,
            team_id: z.number().nullable(),
            members: z.number(),
            capacity_days_per_sprint: z.number(),
          }),
          'Capacity',
        ),
        ...errorResponses,
      },
    }),
    (c) => {
      const { role_id } = c.req.valid('param');
      const { team_id } = c.req.valid('query');
      const members = store().list(c.get('principal').tenant, { active: true, team_id });
      const caps = capacityByRole(members, team_id);
      return c.json(
        {
          role: role_id,
          team_id: team_id ?? null,
          members: members.filter(
            (m) =>
              m.role === role_id || (m.role === 'fullstack' && ['backend', 'frontend'].includes(role_id)),
          ).length,
          capacity_days_per_sprint: caps[role_id] ?? 0,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/team-members',
      tags,
      summary: 'List team members',
      request: {
        query: z.object({
          role: TeamRole.optional(),
          team_id: z.coerce.number().int().positive().optional(),
          active: boolQuery,
        }),
      },
      responses: {
        200: json(z.object({ members: z.array(TeamMember), total: z.number() }), 'Members'),
        ...errorResponses,
      },
    }),
    (c) => {
      const members = store().list(c.get('principal').tenant, c.req.valid('query'));
      return c.json({ members, total: members.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/team-members',
      tags,
      summary: 'Add a team member',
      request: { body: { required: true, content: { 'application/json': { schema: TeamMemberInput } } } },
      responses: {
        201: json(TeamMember, 'Created'),
        409: json(ErrorBody, 'E-mail already used'),
        ...errorResponses,
      },
    }),
    (c) => c.json(store().create(c.get('principal').tenant, c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/team-members/{member_id}',
      tags,
      summary: 'One team member',
      request: { params: IdParam },
      responses: { 200: json(TeamMember, 'Member'), ...notFound, ...errorResponses },
    }),
    (c) => c.json(store().get(c.get('principal').tenant, c.req.valid('param').member_id), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/team-members/{member_id}',
      tags,
      summary: 'Update a team member (only the fields given)',
      request: {
        params: IdParam,
        body: { required: true, content: { 'application/json': { schema: TeamMemberUpdate } } },
      },
      responses: {
        200: json(TeamMember, 'Updated'),
        ...notFound,
        409: json(ErrorBody, 'E-mail already used'),
        ...errorResponses,
      },
    }),
    (c) =>
      c.json(
        store().update(c.get('principal').tenant, c.req.valid('param').member_id, c.req.valid('json')),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/team-members/{member_id}',
      tags,
      summary: 'Remove a team member',
      request: { params: IdParam },
      responses: {
        200: json(z.object({ deleted: z.literal(true), id: z.number() }), 'Deleted'),
        ...notFound,
        ...errorResponses,
      },
    }),
    (c) => {
      const { member_id } = c.req.valid('param');
      store().delete(c.get('principal').tenant, member_id);
      return c.json({ deleted: true as const, id: member_id }, 200);
    },
  );
}
