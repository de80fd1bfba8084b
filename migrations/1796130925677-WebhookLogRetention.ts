import type { MigrationInterface, QueryRunner } from 'typeorm';

export class WebhookLogRetention1796130925677 implements MigrationInterface {
  name = 'WebhookLogRetention1796130925677';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_created_at_idx" ON "webhook_deliveries" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_created_at_idx"`);
  }
}
