// Every DynamoDB repository class, by the name shared/platform/table-access.ts files it under.
import {
  DynamoAccountDirectory,
  DynamoAccountReader,
  DynamoAccountRepository,
  DynamoAccountWriter,
} from '../../../../shared/adapters/dynamodb/account-repository';
import { DynamoAlgoParentReader, DynamoAlgoParentStore } from '../../../../shared/adapters/dynamodb/algo-parent-store';
import { DynamoAlertLog, DynamoAlertRecorder } from '../../../../shared/adapters/dynamodb/alert-log';
import { DynamoArbRoundStore } from '../../../../shared/adapters/dynamodb/arb-round-store';
import { DynamoAuditLog } from '../../../../shared/adapters/dynamodb/audit-log';
import { DynamoConfirmationStore } from '../../../../shared/adapters/dynamodb/confirmation-store';
import {
  DynamoFundingReadingReader,
  DynamoFundingReadingStore,
} from '../../../../shared/adapters/dynamodb/funding-reading-store';
import { DynamoLivePriceReader, DynamoLivePriceStore } from '../../../../shared/adapters/dynamodb/live-price-store';
import { DynamoHeldNotifications } from '../../../../shared/adapters/dynamodb/held-notifications';
import { DynamoOrderReader, DynamoOrderRepository } from '../../../../shared/adapters/dynamodb/order-repository';
import { DynamoPaperLedgerStore } from '../../../../shared/adapters/dynamodb/paper-ledger-store';
import { DynamoPositionBook, DynamoPositionReader } from '../../../../shared/adapters/dynamodb/position-book';
import { DynamoRiskStateReader, DynamoRiskStore } from '../../../../shared/adapters/dynamodb/risk-store';
import { DynamoSignalLedger } from '../../../../shared/adapters/dynamodb/signal-ledger';
import { DynamoTelegramLinkStore } from '../../../../shared/adapters/dynamodb/telegram-link-store';
import { DynamoTenantAccountIndex } from '../../../../shared/adapters/dynamodb/tenant-account-index';
import {
  DynamoAccountSlotReader,
  DynamoTenantAdminStore,
} from '../../../../shared/adapters/dynamodb/tenant-admin-store';
import { DynamoTenantDirectory, DynamoTenantMetaReader } from '../../../../shared/adapters/dynamodb/tenant-directory';
import {
  DynamoTenantNotifySettings,
  DynamoTenantNotifySettingsStore,
} from '../../../../shared/adapters/dynamodb/tenant-notify-settings';
import { DynamoTokenBudget } from '../../../../shared/adapters/dynamodb/token-budget';
import { DynamoTradeReader, DynamoTradeRepository } from '../../../../shared/adapters/dynamodb/trade-repository';
import { DynamoUsageMeter } from '../../../../shared/adapters/dynamodb/usage-meter';

export const REPOSITORY_CLASSES = {
  DynamoAccountReader,
  DynamoAccountDirectory,
  DynamoAccountRepository,
  DynamoAccountSlotReader,
  DynamoAccountWriter,
  DynamoAlertLog,
  DynamoAlertRecorder,
  DynamoAlgoParentReader,
  DynamoAlgoParentStore,
  DynamoArbRoundStore,
  DynamoAuditLog,
  DynamoConfirmationStore,
  DynamoFundingReadingReader,
  DynamoFundingReadingStore,
  DynamoHeldNotifications,
  DynamoLivePriceReader,
  DynamoLivePriceStore,
  DynamoOrderReader,
  DynamoOrderRepository,
  DynamoPaperLedgerStore,
  DynamoPositionReader,
  DynamoPositionBook,
  DynamoRiskStateReader,
  DynamoRiskStore,
  DynamoSignalLedger,
  DynamoTelegramLinkStore,
  DynamoTenantAccountIndex,
  DynamoTenantAdminStore,
  DynamoTenantDirectory,
  DynamoTenantMetaReader,
  DynamoTenantNotifySettings,
  DynamoTenantNotifySettingsStore,
  DynamoTokenBudget,
  DynamoTradeReader,
  DynamoTradeRepository,
  DynamoUsageMeter,
};
